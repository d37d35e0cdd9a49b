//! Reading the banking page's upload forms (multipart): the CSRF token, the file and any text
//! fields, read whole before anything is checked. A form cut off by the body limit
//! (`PSD2_BODY_LIMIT`) is marked incomplete rather than read as a shorter file, so a truncated
//! upload is refused instead of half imported.

use axum::extract::Multipart;

/// An upload form as sent.
#[derive(Debug, Default)]
pub struct FileForm {
    /// The form's CSRF token (empty when absent; checked by the caller).
    pub csrf: String,
    /// The file's name as the browser gave it.
    pub file_name: Option<String>,
    /// The file's bytes (empty when no file was sent).
    pub file: Vec<u8>,
    /// Other text fields the caller asked for, by name, in the order asked.
    pub texts: Vec<(&'static str, String)>,
    /// The form did not arrive whole (too large, or the connection broke).
    pub incomplete: bool,
}

impl FileForm {
    /// Reads every field of `form`, keeping the `csrf` and `file` fields and the text fields
    /// named in `texts`.
    pub async fn read(mut form: Multipart, texts: &[&'static str]) -> Self {
        let mut out = Self {
            texts: texts.iter().map(|name| (*name, String::new())).collect(),
            ..Self::default()
        };
        loop {
            match form.next_field().await {
                Ok(Some(field)) => match field.name() {
                    Some("csrf") => out.csrf = field.text().await.unwrap_or_default(),
                    Some("file") => {
                        out.file_name = field.file_name().map(str::to_owned);
                        match field.bytes().await {
                            Ok(b) => out.file = b.to_vec(),
                            Err(_) => out.incomplete = true,
                        }
                    }
                    Some(name) => {
                        let slot = out.texts.iter().position(|(n, _)| *n == name);
                        if let Some(i) = slot {
                            let text = field.text().await.unwrap_or_default();
                            if let Some(entry) = out.texts.get_mut(i) {
                                entry.1 = text;
                            }
                        }
                    }
                    None => {}
                },
                Ok(None) => break,
                Err(_) => {
                    out.incomplete = true;
                    break;
                }
            }
        }
        out
    }

    /// A text field asked for in [`FileForm::read`] (empty when absent).
    pub fn text(&self, name: &str) -> &str {
        self.texts
            .iter()
            .find(|(n, _)| *n == name)
            .map_or("", |(_, v)| v.as_str())
    }
}

//! A small element tree read with `quick-xml`, built one statement entry at a time: each
//! completed `Ntry` is handed to a callback and dropped, so a 100,000-entry file never sits in
//! memory as a tree. Names are local (namespace prefixes dropped): banks use both a default
//! namespace and prefixes such as `ns2:`.

use quick_xml::Reader;
use quick_xml::events::Event;

use crate::error::Error;

/// One element: its local name, attributes, text and children.
#[derive(Debug, Clone, Default)]
pub(crate) struct Node {
    pub name: String,
    pub attrs: Vec<(String, String)>,
    pub text: String,
    pub children: Vec<Node>,
    /// 1-based line where it starts.
    pub line: usize,
}

impl Node {
    /// The first child with this name.
    pub fn child(&self, name: &str) -> Option<&Node> {
        self.children.iter().find(|c| c.name == name)
    }

    /// All children with this name.
    pub fn all<'a>(&'a self, name: &'a str) -> impl Iterator<Item = &'a Node> + 'a {
        self.children.iter().filter(move |c| c.name == name)
    }

    /// The node at a `/`-separated path of first children.
    pub fn at(&self, path: &str) -> Option<&Node> {
        path.split('/').try_fold(self, |n, name| n.child(name))
    }

    /// The trimmed text at a path, `None` when absent or blank.
    pub fn text_at(&self, path: &str) -> Option<String> {
        self.at(path).and_then(|n| crate::model::non_empty(&n.text))
    }

    /// An attribute's value.
    pub fn attr(&self, name: &str) -> Option<&str> {
        self.attrs
            .iter()
            .find(|(k, _)| k == name)
            .map(|(_, v)| v.as_str())
    }
}

fn local(name: &[u8]) -> String {
    let local = match name.iter().rposition(|b| *b == b':') {
        Some(i) => &name[i + 1..],
        None => name,
    };
    String::from_utf8_lossy(local).into_owned()
}

/// What the walk reports besides entries: the root's namespace and each closed statement.
pub(crate) trait Sink {
    /// An `Ntry` closed; `path` is where it sits (`Stmt[1]/Ntry[4]`).
    fn entry(&mut self, node: Node, path: &str) -> Result<(), Error>;
    /// A statement (`Stmt`, `Rpt`, `Ntfctn`) closed, without its entries.
    fn statement(&mut self, node: Node, path: &str) -> Result<(), Error>;
}

/// Walks the document. Returns the namespace of the document element (`xmlns`), if any.
pub(crate) fn walk(text: &str, sink: &mut dyn Sink) -> Result<Option<String>, Error> {
    let mut reader = Reader::from_str(text);
    reader.config_mut().trim_text(false);
    let mut stack: Vec<Node> = Vec::new();
    let mut namespace = None;
    let mut line = 1usize;
    let mut seen = 0usize;
    let mut counters: Vec<std::collections::HashMap<String, usize>> = vec![Default::default()];
    let mut names: Vec<String> = Vec::new();
    let bytes = text.as_bytes();
    let mut advance = |to: usize, line: &mut usize| {
        let to = to.min(bytes.len());
        if to > seen {
            *line += bytes[seen..to].iter().filter(|b| **b == b'\n').count();
            seen = to;
        }
    };
    let err = |names: &[String], line: usize, reason: String| Error::Xml {
        element: names.join("/"),
        line,
        reason,
    };
    loop {
        let start = usize::try_from(reader.buffer_position()).unwrap_or(usize::MAX);
        advance(start, &mut line);
        let event = reader.read_event().map_err(|e| {
            err(
                &names,
                line,
                format!("the XML is not well formed ({e}); export the file again"),
            )
        })?;
        match event {
            Event::Start(e) => {
                let mut node = Node {
                    name: local(e.name().as_ref()),
                    line,
                    ..Node::default()
                };
                for a in e.attributes().flatten() {
                    let key = String::from_utf8_lossy(a.key.as_ref()).into_owned();
                    let value = a
                        .decoded_and_normalized_value(
                            quick_xml::XmlVersion::Implicit1_0,
                            reader.decoder(),
                        )
                        .map(|v| v.into_owned())
                        .unwrap_or_default();
                    // The default namespace, or a prefixed one (`xmlns:ns2`) naming a message.
                    if stack.is_empty()
                        && (key == "xmlns"
                            || (key.starts_with("xmlns:") && value.contains(":xsd:")))
                    {
                        namespace = Some(value.clone());
                    }
                    node.attrs.push((local(key.as_bytes()), value));
                }
                // Positions (`Ntry[4]`) down to the entries; inside an entry its own paths say
                // where, and counting every element would cost an allocation each.
                if stack.len() < 4 {
                    let n = counters
                        .last_mut()
                        .map(|c| {
                            let v = c.entry(node.name.clone()).or_insert(0);
                            *v += 1;
                            *v
                        })
                        .unwrap_or(1);
                    names.push(format!("{}[{n}]", node.name));
                } else {
                    names.push(node.name.clone());
                }
                counters.push(Default::default());
                stack.push(node);
            }
            Event::Empty(e) => {
                let mut node = Node {
                    name: local(e.name().as_ref()),
                    line,
                    ..Node::default()
                };
                for a in e.attributes().flatten() {
                    let key = String::from_utf8_lossy(a.key.as_ref()).into_owned();
                    let value = a
                        .decoded_and_normalized_value(
                            quick_xml::XmlVersion::Implicit1_0,
                            reader.decoder(),
                        )
                        .map(|v| v.into_owned())
                        .unwrap_or_default();
                    node.attrs.push((local(key.as_bytes()), value));
                }
                if let Some(parent) = stack.last_mut() {
                    parent.children.push(node);
                }
            }
            Event::Text(t) => {
                if let Some(node) = stack.last_mut() {
                    let s = t
                        .decode()
                        .map_err(|e| err(&names, line, format!("text is not readable ({e})")))?;
                    // Indentation between elements is no text (values are trimmed anyway).
                    if !(node.text.is_empty() && s.trim().is_empty()) {
                        node.text.push_str(&s);
                    }
                }
            }
            Event::CData(t) => {
                if let Some(node) = stack.last_mut() {
                    node.text.push_str(&String::from_utf8_lossy(&t));
                }
            }
            Event::GeneralRef(r) => {
                let resolved = match r.resolve_char_ref() {
                    Ok(Some(c)) => Some(c.to_string()),
                    _ => r.decode().ok().and_then(|name| {
                        quick_xml::escape::resolve_predefined_entity(&name).map(str::to_owned)
                    }),
                };
                let Some(resolved) = resolved else {
                    return Err(err(
                        &names,
                        line,
                        "an unknown entity reference (&…;) in the text; export the file again"
                            .to_owned(),
                    ));
                };
                if let Some(node) = stack.last_mut() {
                    node.text.push_str(&resolved);
                }
            }
            Event::End(_) => {
                let Some(node) = stack.pop() else {
                    continue;
                };
                // The path is only built for the elements handed over (not per element).
                let handed = node.name == "Ntry"
                    || (stack.len() == 2
                        && matches!(node.name.as_str(), "Stmt" | "Rpt" | "Ntfctn"));
                let path = if handed {
                    names.join("/")
                } else {
                    String::new()
                };
                names.pop();
                counters.pop();
                match node.name.as_str() {
                    "Ntry" => sink.entry(node, &path)?,
                    "Stmt" | "Rpt" | "Ntfctn" if stack.len() == 2 => sink.statement(node, &path)?,
                    _ => match stack.last_mut() {
                        Some(parent) => parent.children.push(node),
                        None => break,
                    },
                }
            }
            Event::Eof => {
                if !stack.is_empty() {
                    return Err(err(
                        &names,
                        line,
                        "the file ends inside this element; it was cut off, download it again"
                            .to_owned(),
                    ));
                }
                break;
            }
            _ => {}
        }
    }
    Ok(namespace)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[derive(Default)]
    struct Collect {
        entries: Vec<(String, Node)>,
        statements: Vec<String>,
    }

    impl Sink for Collect {
        fn entry(&mut self, node: Node, path: &str) -> Result<(), Error> {
            self.entries.push((path.to_owned(), node));
            Ok(())
        }
        fn statement(&mut self, _node: Node, path: &str) -> Result<(), Error> {
            self.statements.push(path.to_owned());
            Ok(())
        }
    }

    #[test]
    fn entries_come_one_by_one_with_paths_and_lines() {
        let xml = "<Document xmlns=\"urn:x\"><BkToCstmrStmt>\n<Stmt><Id>1</Id>\n<Ntry><Amt Ccy=\"EUR\">1.00</Amt></Ntry>\n<Ntry><Amt Ccy=\"EUR\">A &amp; B&#252;</Amt></Ntry></Stmt></BkToCstmrStmt></Document>";
        let mut c = Collect::default();
        let ns = walk(xml, &mut c).unwrap();
        assert_eq!(ns.as_deref(), Some("urn:x"));
        assert_eq!(c.entries.len(), 2);
        assert_eq!(
            c.entries[1].0,
            "Document[1]/BkToCstmrStmt[1]/Stmt[1]/Ntry[2]"
        );
        assert_eq!(c.entries[1].1.line, 4);
        assert_eq!(c.entries[1].1.text_at("Amt").unwrap(), "A & Bü");
        assert_eq!(
            c.entries[0].1.child("Amt").unwrap().attr("Ccy"),
            Some("EUR")
        );
        assert_eq!(c.statements.len(), 1);
    }

    #[test]
    fn broken_xml_names_the_element_and_line() {
        let xml = "<Document><BkToCstmrStmt>\n<Stmt>\n<Ntry><Amt>1.00</Ntry>";
        let e = walk(xml, &mut Collect::default()).unwrap_err();
        let text = e.to_string();
        assert!(text.contains("line 3"), "{text}");
        assert!(text.contains("Amt"), "{text}");
    }
}

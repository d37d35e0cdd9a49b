//! The declaration every stored enum of this module goes through.

/// `"a", "b" or "c"`: the words a parse error lists as expected.
pub(crate) fn expected(words: &[&str]) -> String {
    let quoted: Vec<String> = words.iter().map(|w| format!("{w:?}")).collect();
    match quoted.split_last() {
        Some((last, [])) => last.clone(),
        Some((last, rest)) => format!("{} or {last}", rest.join(", ")),
        None => String::new(),
    }
}

/// Declares a stored enum: the variants with their stored words, and from those alone the
/// sea-orm active enum (a `String` column), `as_str`, `Display`, `FromStr` (an unknown word is
/// [`Error::Invalid`](crate::Error::Invalid), naming `$what`) and serde as the word.
macro_rules! stored_enum {
    (
        $(#[$meta:meta])*
        pub enum $name:ident as $what:literal {
            $( $(#[$vmeta:meta])* $variant:ident = $word:tt, )+
        }
    ) => {
        $(#[$meta])*
        #[derive(
            Debug, Clone, Copy, PartialEq, Eq, Hash, sea_orm::EnumIter, sea_orm::DeriveActiveEnum,
        )]
        #[sea_orm(
            rs_type = "String",
            db_type = "String(sea_orm::sea_query::StringLen::None)"
        )]
        pub enum $name {
            $( $(#[$vmeta])* #[sea_orm(string_value = $word)] $variant, )+
        }

        impl $name {
            /// The stored word.
            pub const fn as_str(self) -> &'static str {
                match self {
                    $( Self::$variant => $word, )+
                }
            }
        }

        impl std::fmt::Display for $name {
            fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
                f.write_str(self.as_str())
            }
        }

        impl std::str::FromStr for $name {
            type Err = crate::Error;

            fn from_str(s: &str) -> Result<Self, Self::Err> {
                match s {
                    $( $word => Ok(Self::$variant), )+
                    other => Err(crate::Error::Invalid(format!(
                        "{} {other:?}: expected {}",
                        $what,
                        crate::state::stored_enum::expected(&[$( $word ),+]),
                    ))),
                }
            }
        }

        impl serde::Serialize for $name {
            fn serialize<S: serde::Serializer>(&self, s: S) -> Result<S::Ok, S::Error> {
                s.serialize_str(self.as_str())
            }
        }

        impl<'de> serde::Deserialize<'de> for $name {
            fn deserialize<D: serde::Deserializer<'de>>(d: D) -> Result<Self, D::Error> {
                let word = <std::borrow::Cow<'de, str>>::deserialize(d)?;
                word.parse().map_err(serde::de::Error::custom)
            }
        }
    };
}
pub(super) use stored_enum;

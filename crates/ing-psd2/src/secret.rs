//! Tokens as types: they print as `[redacted]`, are reached only through `secret()`, and an
//! application token cannot be passed where a customer's access token is needed.

use std::fmt;

macro_rules! secret_type {
    ($(#[$doc:meta])* $name:ident) => {
        $(#[$doc])*
        #[derive(Clone, PartialEq, Eq)]
        pub struct $name(String);

        impl $name {
            /// Wraps a value received from ING or read from storage.
            pub fn new(value: impl Into<String>) -> Self {
                Self(value.into())
            }

            /// The value. Handle with care: it grants access to bank data. Never log it.
            pub fn secret(&self) -> &str {
                &self.0
            }
        }

        impl fmt::Debug for $name {
            fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
                write!(f, concat!(stringify!($name), "([redacted])"))
            }
        }

        impl fmt::Display for $name {
            fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
                f.write_str("[redacted]")
            }
        }
    };
}

secret_type!(
    /// A customer's access token (15 minutes at ING): the key to their account data.
    AccessToken
);
secret_type!(
    /// A refresh token: lives as long as the consent (up to 180 days).
    RefreshToken
);
secret_type!(
    /// An authorization code from the consent redirect (single use, 10 minutes).
    AuthorizationCode
);
secret_type!(
    /// The application's own token (client credentials). Used only inside this crate.
    ApplicationToken
);

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn secrets_never_print() {
        let t = AccessToken::new("eyJhbGciOi.secret");
        assert_eq!(format!("{t:?}"), "AccessToken([redacted])");
        assert_eq!(format!("{t}"), "[redacted]");
        assert_eq!(t.secret(), "eyJhbGciOi.secret");
    }
}

//! ING's OAuth 2.0 flow (`docs/ing-protocol.md`, "OAuth 2.0: tokens and consent"): the
//! application token (client credentials, signed with the QSealC), the authorization URL, the code
//! exchange and the refresh. The application token is cached and renewed by one caller at a time
//! ([`crate::app_token`]).

use bytes::Bytes;
use http::Method;
use percent_encoding::{AsciiSet, NON_ALPHANUMERIC, utf8_percent_encode};
use serde::Deserialize;
use time::OffsetDateTime;
use url::Url;

use crate::app_token::Issued;
use crate::client::Client;
use crate::error::{Error, excerpt};
use crate::secret::{AccessToken, ApplicationToken, AuthorizationCode, RefreshToken};
use crate::transport::{Answer, Auth, Call};

/// RFC 3986 unreserved characters stay; everything else is percent-encoded (space as `%20`, as
/// ING's scripts send it).
const QUERY: &AsciiSet = &NON_ALPHANUMERIC
    .remove(b'-')
    .remove(b'.')
    .remove(b'_')
    .remove(b'~');

#[derive(Deserialize)]
struct TokenAnswer {
    access_token: String,
    #[serde(default)]
    refresh_token: Option<String>,
    #[serde(default)]
    expires_in: Option<u64>,
    #[serde(default)]
    refresh_token_expires_in: Option<u64>,
    #[serde(default)]
    scope: Option<String>,
    #[serde(default)]
    client_id: Option<String>,
}

/// A customer's tokens after consent or refresh.
#[derive(Debug, Clone)]
pub struct CustomerTokens {
    /// The access token (15 minutes at ING).
    pub access_token: AccessToken,
    /// The refresh token; on a refresh without a new one, the old one is kept here.
    pub refresh_token: Option<RefreshToken>,
    /// When the access token expires.
    pub expires_at: OffsetDateTime,
    /// When the refresh token (the consent) expires, when ING says.
    pub refresh_expires_at: Option<OffsetDateTime>,
    /// The scopes granted, space separated.
    pub scope: String,
}

/// What to ask the customer to consent to.
#[derive(Debug, Clone)]
pub struct AuthorizationRequest {
    /// Scopes, e.g. [`SCOPE_BALANCES`] and [`SCOPE_TRANSACTIONS`].
    pub scopes: Vec<String>,
    /// Where ING sends the customer back (registered with ING for production apps).
    pub redirect_uri: String,
    /// The opaque value that comes back with the code; bind it to the user's session.
    pub state: String,
    /// ISO 3166 country of ING's login page (`NL`, `DE`, …).
    pub country_code: String,
}

/// Scope for balances.
pub const SCOPE_BALANCES: &str = "payment-accounts:balances:view";
/// Scope for transactions.
pub const SCOPE_TRANSACTIONS: &str = "payment-accounts:transactions:view";

fn decode_token(body: &[u8]) -> Result<TokenAnswer, Error> {
    serde_json::from_slice(body).map_err(|e| Error::Decode {
        source: ais_model::ModelError::Decode {
            what: "token answer",
            path: ".".into(),
            message: e.to_string(),
        },
        // A token answer is all secret: show its shape, never its content.
        excerpt: format!("<{} bytes>", body.len()),
    })
}

/// The `location` of an authorization-URL answer.
fn location(body: &[u8]) -> Result<Url, Error> {
    #[derive(Deserialize)]
    struct Location {
        location: String,
    }
    let loc: Location = serde_json::from_slice(body).map_err(|e| Error::Decode {
        source: ais_model::ModelError::Decode {
            what: "authorization URL",
            path: "location".into(),
            message: e.to_string(),
        },
        excerpt: excerpt(body),
    })?;
    Url::parse(&loc.location).map_err(|e| Error::Protocol {
        answer: "authorization URL",
        problem: format!("its `location` is not a URL ({e})"),
    })
}

fn form(pairs: &[(&str, &str)]) -> Bytes {
    let mut s = url::form_urlencoded::Serializer::new(String::new());
    for (k, v) in pairs {
        s.append_pair(k, v);
    }
    Bytes::from(s.finish())
}

impl Client {
    /// The application token and the client id, renewed when it is about to expire.
    pub(crate) async fn app_token(&self) -> Result<(ApplicationToken, String), Error> {
        self.inner
            .app
            .get_or_renew(|| async {
                let answer = self
                    .call(Call {
                        method: Method::POST,
                        path: "/oauth2/token",
                        body: form(&[("grant_type", "client_credentials")]),
                        form: true,
                        auth: Auth::Certificate,
                        extra: Vec::new(),
                        retry: true,
                        counter: None,
                    })
                    .await?;
                let t = decode_token(&answer.body)?;
                Ok(Issued {
                    token: ApplicationToken::new(t.access_token),
                    client_id: t.client_id,
                    expires_in: t.expires_in,
                })
            })
            .await
    }

    /// Makes a call authenticated with the application token; when ING refuses that token, gets
    /// a new one and tries once more.
    async fn with_app_token(
        &self,
        method: Method,
        path: &str,
        body: Bytes,
        form: bool,
    ) -> Result<Answer, Error> {
        for first in [true, false] {
            let (app, client_id) = self.app_token().await?;
            let result = self
                .call(Call {
                    method: method.clone(),
                    path,
                    body: body.clone(),
                    form,
                    auth: Auth::Bearer {
                        token: app.secret(),
                        client_id: &client_id,
                    },
                    extra: Vec::new(),
                    // A refused code or refresh token does not become valid by asking again, and
                    // a code is single-use: only the idempotent GET is retried.
                    retry: method == Method::GET,
                    counter: None,
                })
                .await;
            match result {
                Err(Error::Unauthorized { .. }) if first => {
                    tracing::info!("ING refused the application token; renewing it");
                    self.inner.app.forget().await;
                }
                other => return other,
            }
        }
        Err(Error::Config(
            "unreachable: the application token loop ended".into(),
        ))
    }

    /// The client id in use (configured, or learned from the application-token answer).
    pub async fn client_id(&self) -> Result<String, Error> {
        Ok(self.app_token().await?.1)
    }

    /// The URL to send the customer to: ING's `location` completed with `client_id`, `scope`,
    /// `state`, `redirect_uri` and `response_type=code`.
    pub async fn authorization_url(&self, request: &AuthorizationRequest) -> Result<Url, Error> {
        if request.scopes.is_empty() {
            return Err(Error::Config("at least one scope is required".into()));
        }
        let scope = request.scopes.join(" ");
        let client_id = self.client_id().await?;
        let path = format!(
            "/oauth2/authorization-server-url?scope={}&redirect_uri={}&country_code={}",
            utf8_percent_encode(&scope, QUERY),
            utf8_percent_encode(&request.redirect_uri, QUERY),
            utf8_percent_encode(&request.country_code, QUERY),
        );
        let answer = self
            .with_app_token(Method::GET, &path, Bytes::new(), false)
            .await?;
        let mut url = location(&answer.body)?;
        url.query_pairs_mut()
            .append_pair("client_id", &client_id)
            .append_pair("scope", &scope)
            .append_pair("state", &request.state)
            .append_pair("redirect_uri", &request.redirect_uri)
            .append_pair("response_type", "code");
        Ok(url)
    }

    async fn token_call(&self, body: Bytes) -> Result<TokenAnswer, Error> {
        let answer = self
            .with_app_token(Method::POST, "/oauth2/token", body, true)
            .await?;
        decode_token(&answer.body)
    }

    /// Exchanges the authorization code from the consent redirect for the customer's tokens.
    pub async fn exchange_code(
        &self,
        code: &AuthorizationCode,
        redirect_uri: Option<&str>,
    ) -> Result<CustomerTokens, Error> {
        let mut pairs = vec![
            ("grant_type", "authorization_code"),
            ("code", code.secret()),
        ];
        if let Some(uri) = redirect_uri {
            pairs.push(("redirect_uri", uri));
        }
        let t = self.token_call(form(&pairs)).await?;
        Ok(customer_tokens(t, None))
    }

    /// New tokens from a refresh token. When ING answers without a new refresh token, the old
    /// one stays in the result.
    pub async fn refresh(&self, refresh_token: &RefreshToken) -> Result<CustomerTokens, Error> {
        let t = self
            .token_call(form(&[
                ("grant_type", "refresh_token"),
                ("refresh_token", refresh_token.secret()),
            ]))
            .await?;
        Ok(customer_tokens(t, Some(refresh_token)))
    }

    /// Revokes a refresh token, ending the consent.
    pub async fn revoke(&self, refresh_token: &RefreshToken) -> Result<(), Error> {
        let body = form(&[
            ("token", refresh_token.secret()),
            ("token_type_hint", "refresh_token"),
        ]);
        self.with_app_token(Method::POST, "/oauth2/token/revoke", body, true)
            .await?;
        Ok(())
    }
}

fn customer_tokens(t: TokenAnswer, previous_refresh: Option<&RefreshToken>) -> CustomerTokens {
    let now = OffsetDateTime::now_utc();
    let secs = |s: u64| time::Duration::seconds(i64::try_from(s).unwrap_or(i64::MAX / 2));
    CustomerTokens {
        access_token: AccessToken::new(t.access_token),
        refresh_token: t
            .refresh_token
            .map(RefreshToken::new)
            .or_else(|| previous_refresh.cloned()),
        expires_at: now + secs(t.expires_in.unwrap_or(900)),
        refresh_expires_at: t.refresh_token_expires_in.map(|s| now + secs(s)),
        scope: t.scope.unwrap_or_default(),
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn a_location_that_is_no_url_breaks_the_protocol_and_is_not_retried() {
        let url =
            location(br#"{"location":"https://myaccount.sandbox.ing.com/granting/dc53ca2d/NL"}"#)
                .unwrap();
        assert_eq!(url.path(), "/granting/dc53ca2d/NL");
        let err = location(br#"{"location":"granting/dc53ca2d/NL"}"#).unwrap_err();
        assert!(
            matches!(&err, Error::Protocol { answer: "authorization URL", problem } if problem.contains("not a URL")),
            "{err:?}"
        );
        assert!(!err.is_transient());
        assert!(err.to_string().contains("report it to ING"), "{err}");
        // A body that cannot be read at all stays a decode error (most often a broken transfer).
        let err = location(br#"{"locat"#).unwrap_err();
        assert!(matches!(err, Error::Decode { .. }), "{err:?}");
        assert!(err.is_transient());
    }
}

//! What the sandbox answers a request it refuses: in ING's words (`docs/ing-protocol.md`,
//! "Signing requests" and "Errors") and in a fixed order — `Date` and `Digest` (400), then who
//! signed and whether the signature verifies (401), and only then what the request asks for.
#![allow(clippy::unwrap_used, clippy::expect_used, clippy::panic)]

mod common;

use std::time::{Duration, SystemTime};

use http::{HeaderMap, HeaderValue};

const NOT_VERIFIED: &str = "Signature could not be successfully verified";
const EMPTY_DIGEST: &str = "SHA-256=47DEQpj8HBSa+/TImW+5JCeuQeRkm5NMpJWZG3hSuFU=";

/// The OAuth dialect's error text.
fn message(a: &common::Answer) -> String {
    a.json()["message"].as_str().unwrap_or_default().to_owned()
}

fn text(a: &common::Answer) -> String {
    String::from_utf8_lossy(&a.body).into_owned()
}

/// A change to a signed request's headers.
type Alter = fn(&mut HeaderMap);

/// A form POST with an application (or any) token.
async fn post(c: &common::Client, path: &str, bearer: &str, body: &str) -> common::Answer {
    c.send("POST", path, Some(bearer), &[], body).await
}

/// `Date` one second later than the one signed: still within the skew, the signature no longer
/// verifies.
fn date_moved(h: &mut HeaderMap) {
    let sent = httpdate::parse_http_date(h["date"].to_str().unwrap()).unwrap();
    let moved = httpdate::fmt_http_date(sent + Duration::from_secs(1));
    h.insert("date", HeaderValue::from_str(&moved).unwrap());
}

#[tokio::test]
async fn the_token_call_checks_date_digest_and_signature_before_the_grant() {
    let env = common::start(|_| {}).await;
    let c = &env.client;
    let send = |body: &'static str, alter: Alter| {
        c.send_altered("POST", "/oauth2/token", None, &[], body, alter)
    };
    let form = "grant_type=client_credentials";

    let refused: [(Alter, &str); 4] = [
        (
            |h| {
                h.remove("date");
            },
            "Date header is missing",
        ),
        (
            |h| {
                let old = SystemTime::now() - Duration::from_secs(3600);
                h.insert(
                    "date",
                    HeaderValue::from_str(&httpdate::fmt_http_date(old)).unwrap(),
                );
            },
            "Date header is outside the allowed clock skew",
        ),
        (
            |h| {
                h.remove("digest");
            },
            "Digest header is missing",
        ),
        (
            |h| {
                h.insert("digest", HeaderValue::from_static(EMPTY_DIGEST));
            },
            "Digest header does not match the body",
        ),
    ];
    for (alter, expected) in refused {
        let a = send(form, alter).await;
        assert_eq!((a.status, message(&a)), (400, expected.into()));
    }

    // A signature that does not verify is refused whatever the body asks for.
    let a = send(form, date_moved).await;
    assert_eq!((a.status, text(&a)), (401, NOT_VERIFIED.into()));
    let a = send("grant_type=authorization_code&code=x", date_moved).await;
    assert_eq!((a.status, text(&a)), (401, NOT_VERIFIED.into()));
    let a = send(form, |h| {
        h.remove("tpp-signature-certificate");
    })
    .await;
    assert_eq!(
        (a.status, message(&a)),
        (
            400,
            "TPP-Signature-Certificate header is missing or not a certificate".into()
        )
    );

    // A verified certificate signature with another grant type: the grant is refused.
    let a = send("grant_type=authorization_code&code=x", |_| {}).await;
    assert_eq!(
        (a.status, message(&a)),
        (
            400,
            "grant_type must be client_credentials for a certificate-signed request".into()
        )
    );
    let a = send(form, |_| {}).await;
    assert_eq!(a.status, 200, "{}", text(&a));
}

#[tokio::test]
async fn calls_after_the_application_token_need_that_token_and_the_client_signature() {
    let env = common::start(|_| {}).await;
    let c = &env.client;
    let url = "/oauth2/authorization-server-url?scope=payment-accounts%3Abalances%3Aview";

    let a = c.send("GET", url, Some("unknown"), &[], "").await;
    assert_eq!(
        (a.status, message(&a)),
        (401, "application access token is missing or unknown".into())
    );
    let app = c.app_token().await;
    let a = c
        .send_altered("GET", url, Some(&app), &[], "", date_moved)
        .await;
    assert_eq!((a.status, text(&a)), (401, NOT_VERIFIED.into()));
    let a = c
        .send_altered("GET", url, Some(&app), &[], "", |h| {
            h.remove("date");
        })
        .await;
    assert_eq!(
        (a.status, message(&a)),
        (400, "Date header is missing".into())
    );
    let a = c.send("GET", url, Some(&app), &[], "").await;
    assert_eq!(a.status, 200, "{}", text(&a));

    let a = post(c, "/oauth2/token", &app, "grant_type=password").await;
    assert_eq!(
        (a.status, message(&a)),
        (400, "unsupported grant_type password".into())
    );
    let a = post(c, "/oauth2/token/revoke", "unknown", "token=t").await;
    assert_eq!(a.status, 401, "{}", text(&a));
    let a = post(c, "/oauth2/token/revoke", &app, "token_type_hint=x").await;
    assert_eq!((a.status, message(&a)), (400, "token is required".into()));
}

#[tokio::test]
async fn ais_calls_are_refused_in_tpp_messages_in_ings_order() {
    let env = common::start(|_| {}).await;
    let c = &env.client;
    let app = c.app_token().await;
    let tokens = c.consent(&env.sandbox, &app, "profile-1").await;
    let access = tokens["access_token"].as_str().unwrap().to_owned();
    let refresh = tokens["refresh_token"].as_str().unwrap().to_owned();
    let get = |alter: Alter| c.send_altered("GET", "/v3/accounts", Some(&access), &[], "", alter);

    // `Date` before `X-Request-ID`, `X-Request-ID` before the token, the token before the
    // signature.
    let a = get(|h| {
        h.remove("date");
        h.remove("x-request-id");
    })
    .await;
    assert_eq!((a.status, a.code()), (400, "INVALID_HEADER".into()));
    assert_eq!(a.json()["tppMessages"][0]["text"], "Date header is missing");
    let a = get(|h| {
        h.remove("x-request-id");
    })
    .await;
    assert_eq!((a.status, a.code()), (400, "INVALID_HEADER".into()));
    assert_eq!(
        a.json()["tppMessages"][0]["text"],
        "X-Request-ID header is missing"
    );
    let a = c
        .send_altered("GET", "/v3/accounts", Some("unknown"), &[], "", date_moved)
        .await;
    assert_eq!((a.status, a.code()), (401, "TOKEN_INVALID".into()));
    let a = get(date_moved).await;
    assert_eq!((a.status, text(&a)), (401, NOT_VERIFIED.into()));
    let a = get(|_| {}).await;
    assert_eq!(a.status, 200, "{}", text(&a));

    // A revoked consent is refused before the signature is looked at.
    let a = post(c, "/oauth2/token/revoke", &app, &format!("token={refresh}")).await;
    assert_eq!(a.status, 200, "{}", text(&a));
    let a = get(date_moved).await;
    assert_eq!((a.status, a.code()), (401, "CONSENT_INVALID".into()));
}

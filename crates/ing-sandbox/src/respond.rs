//! How ING answers: JSON with `X-ING-Response-ID`, OAuth errors as `{"message"}`, AIS errors as
//! Berlin Group `tppMessages`, and a plain-text 401 for signatures it cannot verify.

use axum::body::Body;
use axum::http::{HeaderMap, HeaderValue, StatusCode, header};
use axum::response::{IntoResponse, Response};

/// The exact text ING answers for a signature it cannot verify (`docs/ing-protocol.md`, "Signing
/// requests").
pub const SIGNATURE_NOT_VERIFIED: &str = "Signature could not be successfully verified";

/// Anti-XSSI prefix of ING's `grantssupport` answers (ING's psd2_03 script strips 6 characters).
pub const XSSI_PREFIX: &str = ")]}',\n";

pub(crate) fn json(
    status: StatusCode,
    value: &serde_json::Value,
    request_id: Option<&HeaderValue>,
) -> Response {
    let body = serde_json::to_vec(value).unwrap_or_default();
    with_ids(status, "application/json", body, request_id)
}

pub(crate) fn with_ids(
    status: StatusCode,
    content_type: &'static str,
    body: Vec<u8>,
    request_id: Option<&HeaderValue>,
) -> Response {
    let mut response = (status, body).into_response();
    let headers = response.headers_mut();
    headers.insert(header::CONTENT_TYPE, HeaderValue::from_static(content_type));
    headers.insert(
        header::CACHE_CONTROL,
        HeaderValue::from_static("no-cache, no-store, max-age=0, must-revalidate"),
    );
    if let Ok(v) = HeaderValue::from_str(&uuid::Uuid::new_v4().to_string()) {
        headers.insert("x-ing-response-id", v);
    }
    if let Some(id) = request_id {
        headers.insert("x-request-id", id.clone());
    }
    response
}

/// An OAuth error as ING's OAuth API answers it.
pub(crate) fn oauth_error(status: StatusCode, message: &str) -> Response {
    json(status, &serde_json::json!({ "message": message }), None)
}

/// A Berlin Group error.
pub(crate) fn tpp_error(
    status: StatusCode,
    code: &str,
    text: &str,
    request_id: Option<&HeaderValue>,
) -> Response {
    json(
        status,
        &serde_json::json!({ "tppMessages": [{ "category": "ERROR", "code": code, "text": text }] }),
        request_id,
    )
}

/// The plain-text 401 for a bad signature.
pub(crate) fn signature_not_verified() -> Response {
    with_ids(
        StatusCode::UNAUTHORIZED,
        "text/plain",
        SIGNATURE_NOT_VERIFIED.as_bytes().to_vec(),
        None,
    )
}

/// A response whose body fails after its headers: the client sees the connection break.
pub(crate) fn dropped() -> Response {
    let stream = futures::stream::once(async {
        Err::<axum::body::Bytes, std::io::Error>(std::io::Error::new(
            std::io::ErrorKind::ConnectionReset,
            "injected drop",
        ))
    });
    let mut response = Response::new(Body::from_stream(stream));
    response.headers_mut().insert(
        header::CONTENT_TYPE,
        HeaderValue::from_static("application/json"),
    );
    response
}

pub(crate) fn request_id(headers: &HeaderMap) -> Option<&HeaderValue> {
    headers.get("x-request-id")
}

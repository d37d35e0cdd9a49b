//! A minimal ING client for the sandbox's own tests: mutual TLS with the QWAC, requests signed
//! with the QSealC the way ING's scripts sign them. Written here rather than borrowed from
//! `ing-psd2`, so the sandbox is tested against the protocol, not against our client.
#![allow(dead_code, clippy::unwrap_used, clippy::expect_used, clippy::panic)]

use std::sync::Arc;

use base64::Engine as _;
use base64::engine::general_purpose::STANDARD;
use bytes::Bytes;
use http_body_util::{BodyExt as _, Full};
use hyper_util::rt::{TokioExecutor, TokioIo};
use ing_sandbox::{DevCertificates, Sandbox, SandboxConfig, SandboxHandle};
use ring::rand::SystemRandom;
use ring::signature::{RSA_PKCS1_SHA256, RsaKeyPair};
use rustls::pki_types::pem::PemObject as _;
use rustls::pki_types::{CertificateDer, PrivateKeyDer, ServerName};
use serde_json::Value;

pub const REDIRECT: &str = "https://backoffice.example/callback";

pub struct Env {
    pub sandbox: SandboxHandle,
    pub client: Client,
}

pub async fn start(tweak: impl FnOnce(&mut SandboxConfig)) -> Env {
    let certs = DevCertificates::generate().unwrap();
    let mut config = SandboxConfig::new(certs.clone());
    config.data.transactions_per_account = 60;
    tweak(&mut config);
    let sandbox = Sandbox::start(config).await.unwrap();
    let client = Client::new(&sandbox, &certs);
    Env { sandbox, client }
}

pub struct Client {
    tls: Arc<rustls::ClientConfig>,
    api: String,
    key: RsaKeyPair,
    serial: String,
    certificate: String,
    client_id: String,
}

pub struct Answer {
    pub status: u16,
    pub body: Vec<u8>,
}

impl Answer {
    pub fn json(&self) -> Value {
        serde_json::from_slice(&self.body)
            .unwrap_or_else(|e| panic!("{e}: {}", String::from_utf8_lossy(&self.body)))
    }

    /// The Berlin Group error code of an AIS refusal.
    pub fn code(&self) -> String {
        self.json()["tppMessages"][0]["code"]
            .as_str()
            .unwrap_or_default()
            .to_owned()
    }
}

impl Client {
    pub fn new(sandbox: &SandboxHandle, certs: &DevCertificates) -> Self {
        let provider = Arc::new(rustls::crypto::ring::default_provider());
        let mut roots = rustls::RootCertStore::empty();
        roots
            .add(CertificateDer::from_pem_slice(sandbox.ca_cert_pem().as_bytes()).unwrap())
            .unwrap();
        let chain = vec![CertificateDer::from_pem_slice(certs.qwac_cert_pem.as_bytes()).unwrap()];
        let key = PrivateKeyDer::from_pem_slice(certs.qwac_key_pem.expose().as_bytes()).unwrap();
        let tls = rustls::ClientConfig::builder_with_provider(provider)
            .with_safe_default_protocol_versions()
            .unwrap()
            .with_root_certificates(roots)
            .with_client_auth_cert(chain, key)
            .unwrap();
        let (_, key_pem) =
            x509_parser::pem::parse_x509_pem(certs.qsealc_key_pem.expose().as_bytes()).unwrap();
        let (_, cert_pem) =
            x509_parser::pem::parse_x509_pem(certs.qsealc_cert_pem.as_bytes()).unwrap();
        let serial = ing_sandbox::signature::parse_signing_cert(&cert_pem.contents)
            .unwrap()
            .serial;
        Self {
            tls: Arc::new(tls),
            api: sandbox.api_url(),
            key: RsaKeyPair::from_pkcs8(&key_pem.contents).unwrap(),
            serial,
            certificate: STANDARD.encode(&cert_pem.contents),
            client_id: sandbox.client_id().to_owned(),
        }
    }

    fn sign(&self, key_id: &str, method: &str, target: &str, date: &str, digest: &str) -> String {
        let signing = format!(
            "(request-target): {} {target}\ndate: {date}\ndigest: {digest}",
            method.to_ascii_lowercase()
        );
        let mut sig = vec![0u8; self.key.public().modulus_len()];
        self.key
            .sign(
                &RSA_PKCS1_SHA256,
                &SystemRandom::new(),
                signing.as_bytes(),
                &mut sig,
            )
            .unwrap();
        format!(
            r#"keyId="{key_id}",algorithm="rsa-sha256",headers="(request-target) date digest",signature="{}""#,
            STANDARD.encode(sig)
        )
    }

    /// Sends a signed request over mutual TLS. `bearer: None` signs with the certificate
    /// serial (the application-token call); otherwise with the client id.
    pub async fn send(
        &self,
        method: &str,
        target: &str,
        bearer: Option<&str>,
        extra: &[(&str, &str)],
        body: &str,
    ) -> Answer {
        self.send_altered(method, target, bearer, extra, body, |_| {})
            .await
    }

    /// As [`send`](Self::send), with the signed request's headers changed by `alter` before it
    /// goes out (a header dropped, a value changed after signing).
    pub async fn send_altered(
        &self,
        method: &str,
        target: &str,
        bearer: Option<&str>,
        extra: &[(&str, &str)],
        body: &str,
        alter: impl FnOnce(&mut http::HeaderMap),
    ) -> Answer {
        self.send_signed(None, method, target, bearer, extra, body, alter)
            .await
    }

    /// The application-token request, signed with `key_id` instead of `SN=<serial>`.
    pub async fn app_token_with_key_id(&self, key_id: &str) -> Answer {
        let body = "grant_type=client_credentials";
        self.send_signed(
            Some(key_id),
            "POST",
            "/oauth2/token",
            None,
            &[],
            body,
            |_| {},
        )
        .await
    }

    /// The serial of the QSealC, as the sandbox normalises it.
    pub fn serial(&self) -> &str {
        &self.serial
    }

    #[allow(clippy::too_many_arguments)]
    async fn send_signed(
        &self,
        key_id: Option<&str>,
        method: &str,
        target: &str,
        bearer: Option<&str>,
        extra: &[(&str, &str)],
        body: &str,
        alter: impl FnOnce(&mut http::HeaderMap),
    ) -> Answer {
        let date = httpdate::fmt_http_date(std::time::SystemTime::now());
        let digest = format!(
            "SHA-256={}",
            STANDARD.encode(ring::digest::digest(&ring::digest::SHA256, body.as_bytes()))
        );
        let mut request = http::Request::builder()
            .method(method)
            .uri(target)
            .header("host", self.api.trim_start_matches("https://"))
            .header("date", &date)
            .header("digest", &digest)
            .header("x-request-id", uuid::Uuid::new_v4().to_string());
        match bearer {
            None => {
                let key_id = key_id.map_or_else(|| format!("SN={}", self.serial), str::to_owned);
                request = request
                    .header(
                        "authorization",
                        format!(
                            "Signature {}",
                            self.sign(&key_id, method, target, &date, &digest)
                        ),
                    )
                    .header("tpp-signature-certificate", &self.certificate);
            }
            Some(token) => {
                request = request
                    .header("authorization", format!("Bearer {token}"))
                    .header(
                        "signature",
                        self.sign(&self.client_id, method, target, &date, &digest),
                    );
            }
        }
        if !body.is_empty() {
            request = request.header("content-type", "application/x-www-form-urlencoded");
        }
        for (k, v) in extra {
            request = request.header(*k, *v);
        }
        let mut request = request
            .body(Full::new(Bytes::from(body.to_owned())))
            .unwrap();
        alter(request.headers_mut());
        let addr = self.api.trim_start_matches("https://").to_owned();
        let tcp = tokio::net::TcpStream::connect(&addr).await.unwrap();
        let tls = tokio_rustls::TlsConnector::from(self.tls.clone())
            .connect(ServerName::try_from("localhost").unwrap(), tcp)
            .await
            .unwrap();
        let (mut sender, conn) = hyper::client::conn::http1::handshake(TokioIo::new(tls))
            .await
            .unwrap();
        tokio::spawn(conn);
        let response = sender.send_request(request).await.unwrap();
        let status = response.status().as_u16();
        let body = response
            .into_body()
            .collect()
            .await
            .unwrap()
            .to_bytes()
            .to_vec();
        Answer { status, body }
    }

    pub async fn app_token(&self) -> String {
        let a = self
            .send(
                "POST",
                "/oauth2/token",
                None,
                &[],
                "grant_type=client_credentials",
            )
            .await;
        assert_eq!(a.status, 200, "{}", String::from_utf8_lossy(&a.body));
        a.json()["access_token"].as_str().unwrap().to_owned()
    }

    /// Consent for `profile` through the consent page; returns the code exchange's answer.
    pub async fn consent(&self, sandbox: &SandboxHandle, app: &str, profile: &str) -> Value {
        let scope = format!(
            "{} {}",
            ing_sandbox::SCOPE_BALANCES,
            ing_sandbox::SCOPE_TRANSACTIONS
        );
        let query = url::form_urlencoded::Serializer::new(String::new())
            .append_pair("scope", &scope)
            .append_pair("redirect_uri", REDIRECT)
            .append_pair("country_code", "NL")
            .finish();
        let a = self
            .send(
                "GET",
                &format!("/oauth2/authorization-server-url?{query}"),
                Some(app),
                &[],
                "",
            )
            .await;
        assert_eq!(a.status, 200, "{}", String::from_utf8_lossy(&a.body));
        let mut url = url::Url::parse(a.json()["location"].as_str().unwrap()).unwrap();
        url.query_pairs_mut()
            .append_pair("client_id", &self.client_id)
            .append_pair("scope", &scope)
            .append_pair("state", "s")
            .append_pair("redirect_uri", REDIRECT)
            .append_pair("response_type", "code");
        let redirect = sandbox.grant_consent(url.as_str(), profile).await.unwrap();
        let redirect = url::Url::parse(&redirect).unwrap();
        let code = redirect
            .query_pairs()
            .find(|(k, _)| k == "code")
            .unwrap()
            .1
            .into_owned();
        let form = url::form_urlencoded::Serializer::new(String::new())
            .append_pair("grant_type", "authorization_code")
            .append_pair("code", &code)
            .append_pair("redirect_uri", REDIRECT)
            .finish();
        let a = self
            .send("POST", "/oauth2/token", Some(app), &[], &form)
            .await;
        assert_eq!(a.status, 200, "{}", String::from_utf8_lossy(&a.body));
        a.json()
    }

    pub async fn refresh(&self, app: &str, refresh_token: &str) -> Answer {
        let form = url::form_urlencoded::Serializer::new(String::new())
            .append_pair("grant_type", "refresh_token")
            .append_pair("refresh_token", refresh_token)
            .finish();
        self.send("POST", "/oauth2/token", Some(app), &[], &form)
            .await
    }

    /// An AIS GET without the customer present (no `PSU-IP-Address`).
    pub async fn ais(&self, access: &str, target: &str) -> Answer {
        self.send("GET", target, Some(access), &[], "").await
    }

    /// An AIS GET with the customer present.
    pub async fn ais_attended(&self, access: &str, target: &str) -> Answer {
        self.send(
            "GET",
            target,
            Some(access),
            &[("psu-ip-address", "192.0.2.10")],
            "",
        )
        .await
    }
}

/// A plain-HTTP request to the consent port (the `/__sandbox` routes).
pub async fn control(sandbox: &SandboxHandle, method: &str, path: &str, body: &str) -> Answer {
    let request = http::Request::builder()
        .method(method)
        .uri(format!("{}{path}", sandbox.consent_url()))
        .header("content-type", "application/json")
        .body(Full::new(Bytes::from(body.to_owned())))
        .unwrap();
    let client = hyper_util::client::legacy::Client::builder(TokioExecutor::new())
        .build_http::<Full<Bytes>>();
    let response = client.request(request).await.unwrap();
    let status = response.status().as_u16();
    let body = response
        .into_body()
        .collect()
        .await
        .unwrap()
        .to_bytes()
        .to_vec();
    Answer { status, body }
}

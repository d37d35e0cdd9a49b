//! Sessions of the banking page: a random id in an `HttpOnly`, `SameSite=Strict` cookie, kept in
//! memory with its CSRF token and the message to show once. The API token itself never goes into
//! the cookie; it is checked at sign-in only. Served over HTTPS (`PSD2_PUBLIC_URL` starts with
//! `https://`), the cookie is also `Secure` and named with the `__Host-` prefix, which browsers
//! accept only from a secure origin, without `Domain` and with `Path=/` — so neither a plain-HTTP
//! page nor a sibling subdomain can set or overwrite it.

use std::collections::HashMap;
use std::sync::Mutex;
use std::time::{Duration, Instant};

use axum::http::{HeaderMap, HeaderValue, header};

/// Cookie name over plain HTTP.
pub const COOKIE: &str = "psd2_session";
/// Cookie name over HTTPS.
pub const SECURE_COOKIE: &str = "__Host-psd2_session";
/// Sessions end after this long without use.
const IDLE: Duration = Duration::from_secs(8 * 3600);

/// A message shown once on the next page.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Flash {
    /// Success or error (styles it).
    pub ok: bool,
    /// The text.
    pub text: String,
}

struct Session {
    csrf: String,
    user: String,
    flash: Option<Flash>,
    seen: Instant,
}

/// Every signed-in browser, in memory: a restart signs everyone out. Each session id starts
/// with this process's random boot mark (`s_<boot>.<random>`), so a cookie the server does not
/// know can be told apart: another boot's (the server restarted) or this one's (ended).
pub struct Sessions {
    boot: String,
    map: Mutex<HashMap<String, Session>>,
}

impl Default for Sessions {
    fn default() -> Self {
        // The mark only tells boots apart; the session id's own randomness guards it.
        let boot = bank_sync::random_token("")
            .map(|t| {
                t.chars()
                    .filter(char::is_ascii_alphanumeric)
                    .take(10)
                    .collect()
            })
            .unwrap_or_else(|_| format!("{:x}", std::process::id()));
        Self {
            boot,
            map: Mutex::default(),
        }
    }
}

/// What a request's session cookie stands for.
#[derive(Debug)]
pub enum Lookup {
    /// A live session.
    Live(Current),
    /// No session cookie: never signed in here (or signed out).
    None,
    /// A session of an earlier run of the server: it restarted, which signs everyone out.
    Restarted,
    /// A session of this run that ended (signed out elsewhere, or idle too long).
    Ended,
}

/// A request's session.
#[derive(Clone)]
pub struct Current {
    /// Session id.
    pub id: String,
    /// The token every form must carry.
    pub csrf: String,
    /// Who signed in (recorded with every decision).
    pub user: String,
}

impl Sessions {
    fn lock(&self) -> std::sync::MutexGuard<'_, HashMap<String, Session>> {
        self.map
            .lock()
            .unwrap_or_else(std::sync::PoisonError::into_inner)
    }

    /// Starts a session for `user`; returns its id.
    pub fn create(&self, user: &str) -> Option<String> {
        let id = format!("s_{}.{}", self.boot, bank_sync::random_token("").ok()?);
        let csrf = bank_sync::random_token("c_").ok()?;
        let mut map = self.lock();
        map.retain(|_, s| s.seen.elapsed() < IDLE);
        map.insert(
            id.clone(),
            Session {
                csrf,
                user: user.to_owned(),
                flash: None,
                seen: Instant::now(),
            },
        );
        Some(id)
    }

    /// The session the request's cookie names, if it is alive.
    pub fn current(&self, headers: &HeaderMap, policy: CookiePolicy) -> Option<Current> {
        match self.lookup(headers, policy) {
            Lookup::Live(c) => Some(c),
            _ => None,
        }
    }

    /// The session the request's cookie names, or why there is none.
    pub fn lookup(&self, headers: &HeaderMap, policy: CookiePolicy) -> Lookup {
        let Some(id) = cookie(headers, policy.session_name()).filter(|id| !id.is_empty()) else {
            return Lookup::None;
        };
        let mut map = self.lock();
        let Some(s) = map.get_mut(&id) else {
            let ours = id
                .strip_prefix("s_")
                .and_then(|rest| rest.split_once('.'))
                .is_some_and(|(boot, _)| boot == self.boot);
            return if ours {
                Lookup::Ended
            } else {
                Lookup::Restarted
            };
        };
        if s.seen.elapsed() >= IDLE {
            map.remove(&id);
            return Lookup::Ended;
        }
        s.seen = Instant::now();
        Lookup::Live(Current {
            csrf: s.csrf.clone(),
            user: s.user.clone(),
            id,
        })
    }

    /// Ends a session.
    pub fn remove(&self, id: &str) {
        self.lock().remove(id);
    }

    /// Keeps a message for the next page.
    pub fn flash(&self, id: &str, ok: bool, text: impl Into<String>) {
        if let Some(s) = self.lock().get_mut(id) {
            s.flash = Some(Flash {
                ok,
                text: text.into(),
            });
        }
    }

    /// Takes the message kept for this page.
    pub fn take_flash(&self, id: &str) -> Option<Flash> {
        self.lock().get_mut(id).and_then(|s| s.flash.take())
    }
}

/// A cookie's value.
pub fn cookie(headers: &HeaderMap, name: &str) -> Option<String> {
    headers
        .get_all(header::COOKIE)
        .iter()
        .filter_map(|v| v.to_str().ok())
        .flat_map(|v| v.split(';'))
        .filter_map(|kv| kv.trim().split_once('='))
        .find(|(k, _)| *k == name)
        .map(|(_, v)| v.to_owned())
}

/// How the page's cookies are set: plain, or `Secure` with a prefix when served over HTTPS.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Default)]
pub struct CookiePolicy {
    /// The page is reached over HTTPS.
    pub secure: bool,
}

impl CookiePolicy {
    /// The session cookie's name.
    pub fn session_name(self) -> &'static str {
        if self.secure { SECURE_COOKIE } else { COOKIE }
    }

    /// `Set-Cookie` for a session id (or its removal).
    pub fn session(self, id: Option<&str>) -> HeaderValue {
        let (name, path, secure) = if self.secure {
            (SECURE_COOKIE, "/", "; Secure")
        } else {
            (COOKIE, "/banking", "")
        };
        let value = match id {
            Some(id) => format!("{name}={id}; Path={path}; HttpOnly; SameSite=Strict{secure}"),
            None => format!("{name}=; Path={path}; HttpOnly; SameSite=Strict{secure}; Max-Age=0"),
        };
        HeaderValue::from_str(&value).unwrap_or_else(|_| HeaderValue::from_static(""))
    }

    /// The consent cookie's name (see `consent_binding`).
    pub fn consent_name(self) -> &'static str {
        if self.secure {
            "__Secure-psd2_consent"
        } else {
            "psd2_consent"
        }
    }

    /// `Set-Cookie` for the token that binds a consent to this browser (or its removal). It
    /// must survive the bank's cross-site redirect back, so it is `SameSite=Lax` (sent on a
    /// top-level GET navigation), and it is only ever sent to the callback.
    pub fn consent(self, token: Option<&str>, max_age_secs: u64) -> HeaderValue {
        let name = self.consent_name();
        let secure = if self.secure { "; Secure" } else { "" };
        let value = match token {
            Some(t) => format!(
                "{name}={t}; Path=/banking/callback; HttpOnly; SameSite=Lax; Max-Age={max_age_secs}{secure}"
            ),
            None => format!(
                "{name}=; Path=/banking/callback; HttpOnly; SameSite=Lax; Max-Age=0{secure}"
            ),
        };
        HeaderValue::from_str(&value).unwrap_or_else(|_| HeaderValue::from_static(""))
    }
}

/// Constant-time comparison of the form's CSRF token with the session's.
pub fn csrf_ok(current: &Current, presented: &str) -> bool {
    let a = current.csrf.as_bytes();
    let b = presented.as_bytes();
    a.len() == b.len() && a.iter().zip(b).fold(0u8, |acc, (x, y)| acc | (x ^ y)) == 0
}

// Session ids and CSRF tokens are credentials: `Debug` shows who, never them.

impl std::fmt::Debug for Sessions {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        let n = self.map.lock().map_or(0, |m| m.len());
        f.debug_struct("Sessions").field("open", &n).finish()
    }
}

impl std::fmt::Debug for Current {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.debug_struct("Current")
            .field("id", &"[redacted]")
            .field("csrf", &"[redacted]")
            .field("user", &self.user)
            .finish()
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn sessions_carry_csrf_and_flash_once() {
        let s = Sessions::default();
        let id = s.create("anna").unwrap();
        let mut h = HeaderMap::new();
        h.insert(
            header::COOKIE,
            HeaderValue::from_str(&format!("a=b; {COOKIE}={id}")).unwrap(),
        );
        let cur = s.current(&h, CookiePolicy::default()).unwrap();
        assert!(csrf_ok(&cur, &cur.csrf));
        assert_eq!(cur.user, "anna");
        assert!(!csrf_ok(&cur, "c_forged"));
        s.flash(&id, true, "hello");
        assert_eq!(s.take_flash(&id).unwrap().text, "hello");
        assert!(s.take_flash(&id).is_none());
        s.remove(&id);
        assert!(s.current(&h, CookiePolicy::default()).is_none());
        assert!(matches!(
            s.lookup(&h, CookiePolicy::default()),
            Lookup::Ended
        ));
        // Another run of the server (a restart) does not know this run's sessions.
        let restarted = Sessions::default();
        let other = restarted.create("anna").unwrap();
        restarted.remove(&other);
        assert!(matches!(
            restarted.lookup(&h, CookiePolicy::default()),
            Lookup::Restarted
        ));
        assert!(matches!(
            s.lookup(&HeaderMap::new(), CookiePolicy::default()),
            Lookup::None
        ));
    }

    #[test]
    fn the_cookie_is_http_only_and_strict() {
        let v = CookiePolicy::default().session(Some("s_x"));
        let v = v.to_str().unwrap();
        assert!(v.contains("HttpOnly") && v.contains("SameSite=Strict"));
        assert!(!v.contains("Secure"), "{v}");
    }

    #[test]
    fn over_https_the_cookies_are_secure_and_prefixed() {
        let policy = CookiePolicy { secure: true };
        let v = policy.session(Some("s_x"));
        let v = v.to_str().unwrap();
        assert!(v.starts_with("__Host-psd2_session=s_x;"), "{v}");
        // Browsers drop a `__Host-` cookie unless it is Secure, has Path=/ and no Domain.
        assert!(
            v.contains("; Secure") && v.contains("Path=/;") && !v.contains("Domain"),
            "{v}"
        );
        let c = policy.consent(Some("b_x"), 60);
        let c = c.to_str().unwrap();
        assert!(
            c.starts_with("__Secure-psd2_consent=b_x;") && c.contains("; Secure"),
            "{c}"
        );
        let mut h = HeaderMap::new();
        let s = Sessions::default();
        let id = s.create("anna").unwrap();
        h.insert(
            header::COOKIE,
            HeaderValue::from_str(&format!("{COOKIE}={id}")).unwrap(),
        );
        assert!(
            s.current(&h, policy).is_none(),
            "the plain cookie is not the secure one"
        );
        h.insert(
            header::COOKIE,
            HeaderValue::from_str(&format!("{SECURE_COOKIE}={id}")).unwrap(),
        );
        assert!(s.current(&h, policy).is_some());
    }
}

//! Slowing down whoever keeps presenting wrong credentials.
//!
//! The API token has 256 random bits, so guessing it is hopeless; what repeated failures do cost
//! is log noise, CPU and — with a token someone chose by hand — a real chance. After `limit`
//! failed attempts (wrong API token, wrong sign-in) from one address within `window`, that address
//! gets 429 with `Retry-After` for the rest of the window, right or wrong credentials alike, so a
//! guesser cannot tell when it has found the token. Successful requests are never counted.
//!
//! An IPv6 client usually holds a whole /64, so IPv6 addresses count by their /64 prefix. Memory
//! stays bounded: at most `MAX_ADDRESSES` addresses are tracked; beyond that new addresses are not
//! counted (the attacker with that many addresses is not stopped by a per-address limit anyway).
//! Behind a reverse proxy every client shares the proxy's address; a proxy should do its own
//! limiting there.

use std::collections::HashMap;
use std::net::IpAddr;
use std::sync::Mutex;
use std::time::{Duration, Instant};

/// Most addresses tracked at once.
const MAX_ADDRESSES: usize = 100_000;

/// Failed attempts per address and window.
#[derive(Debug)]
pub struct FailureThrottle {
    limit: u32,
    window: Duration,
    seen: Mutex<HashMap<IpAddr, (u32, Instant)>>,
}

impl FailureThrottle {
    /// At most `limit` failures per address within `window`.
    pub fn new(limit: u32, window: Duration) -> Self {
        Self {
            limit: limit.max(1),
            window,
            seen: Mutex::default(),
        }
    }

    fn lock(&self) -> std::sync::MutexGuard<'_, HashMap<IpAddr, (u32, Instant)>> {
        self.seen
            .lock()
            .unwrap_or_else(std::sync::PoisonError::into_inner)
    }

    /// How long `ip` must wait before its next attempt counts, when it failed too often.
    pub fn blocked(&self, ip: IpAddr) -> Option<Duration> {
        let map = self.lock();
        let (failures, since) = map.get(&key(ip))?;
        let left = self.window.checked_sub(since.elapsed())?;
        (*failures >= self.limit).then_some(left.max(Duration::from_secs(1)))
    }

    /// Counts one failed attempt from `ip`.
    pub fn failed(&self, ip: IpAddr) {
        let mut map = self.lock();
        if map.len() >= MAX_ADDRESSES {
            let window = self.window;
            map.retain(|_, (_, since)| since.elapsed() < window);
            if map.len() >= MAX_ADDRESSES {
                return;
            }
        }
        let entry = map.entry(key(ip)).or_insert((0, Instant::now()));
        if entry.1.elapsed() >= self.window {
            *entry = (0, Instant::now());
        }
        entry.0 = entry.0.saturating_add(1);
    }
}

impl Default for FailureThrottle {
    /// Ten failures a minute per address.
    fn default() -> Self {
        Self::new(10, Duration::from_secs(60))
    }
}

/// IPv4 addresses as they are; IPv6 addresses by their /64 network.
fn key(ip: IpAddr) -> IpAddr {
    match ip {
        IpAddr::V4(_) => ip,
        IpAddr::V6(v6) => match v6.to_ipv4_mapped() {
            Some(v4) => IpAddr::V4(v4),
            None => {
                let mut s = v6.segments();
                s[4..].fill(0);
                IpAddr::V6(s.into())
            }
        },
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn an_address_is_blocked_after_its_limit_and_others_are_not() {
        let t = FailureThrottle::new(3, Duration::from_secs(60));
        let a: IpAddr = "192.0.2.1".parse().unwrap();
        let b: IpAddr = "192.0.2.2".parse().unwrap();
        for _ in 0..2 {
            t.failed(a);
        }
        assert!(t.blocked(a).is_none());
        t.failed(a);
        let wait = t.blocked(a).unwrap();
        assert!(wait <= Duration::from_secs(60) && wait >= Duration::from_secs(1));
        assert!(t.blocked(b).is_none());
    }

    #[test]
    fn ipv6_addresses_count_by_their_64_network() {
        let t = FailureThrottle::new(2, Duration::from_secs(60));
        t.failed("2001:db8::1".parse().unwrap());
        t.failed("2001:db8::ffff:2".parse().unwrap());
        assert!(t.blocked("2001:db8::3".parse().unwrap()).is_some());
        assert!(t.blocked("2001:db8:0:1::3".parse().unwrap()).is_none());
    }

    #[test]
    fn the_window_ends() {
        let t = FailureThrottle::new(1, Duration::from_millis(30));
        let a: IpAddr = "192.0.2.1".parse().unwrap();
        t.failed(a);
        assert!(t.blocked(a).is_some());
        std::thread::sleep(Duration::from_millis(40));
        assert!(t.blocked(a).is_none());
    }
}

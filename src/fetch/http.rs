//! The HTTP side of `fetch`: a good citizen and safe by default.
//!
//! - http and https only, redirects followed here (at most N, each target checked) rather
//!   than by the client, so a redirect to `file://` is refused with a clear message;
//! - every address a host name resolves to is checked *in the resolver the client
//!   connects with*, so a name cannot pass the check and then resolve elsewhere: private,
//!   loopback, link-local and other non-public ranges are refused unless `allow_private`;
//! - one request at a time per host with a delay between requests ([`HostGate`]),
//!   retries with backoff on 429/503 honouring `Retry-After`, connect and total timeouts;
//! - bodies are read up to a size cap, after gzip decoding, so a decompression bomb stops
//!   at the cap like any other oversized body.

use std::collections::HashMap;
use std::fmt;
use std::io::Read;
use std::net::{IpAddr, SocketAddr, ToSocketAddrs};
use std::sync::{Arc, Condvar, Mutex};
use std::time::{Duration, Instant};

use super::{Dead, FetchError, Refusal};

/// Names citecheck, its version and what it is, as a polite crawler does (the project
/// has no public homepage to name yet).
pub const USER_AGENT: &str = concat!(
    "citecheck/",
    env!("CARGO_PKG_VERSION"),
    " (citation checker; fetches the texts a corpus cites)"
);

/// How the client behaves: its safety rules, timeouts, size cap and politeness.
#[derive(Debug, Clone)]
pub struct HttpConfig {
    /// Connect to private, loopback and link-local addresses too.
    pub allow_private: bool,
    /// For opening the connection.
    pub connect_timeout: Duration,
    /// For the whole request, body included.
    pub timeout: Duration,
    /// Largest body accepted (after decompression), in bytes.
    pub max_bytes: u64,
    /// Redirects followed, at most (each target checked like the first URL).
    pub max_redirects: u32,
    /// Pause between two requests to the same host.
    pub delay: Duration,
    /// Retries of a 429 or 503 answer.
    pub retries: u32,
    /// Longest wait a `Retry-After` may ask for; longer asks fail the source.
    pub max_retry_wait: Duration,
}

impl Default for HttpConfig {
    fn default() -> Self {
        HttpConfig {
            allow_private: false,
            connect_timeout: Duration::from_secs(10),
            timeout: Duration::from_secs(60),
            max_bytes: 25 * 1024 * 1024,
            max_redirects: 10,
            delay: Duration::from_secs(1),
            retries: 3,
            max_retry_wait: Duration::from_secs(120),
        }
    }
}

/// A successful answer.
#[derive(Debug, Clone)]
pub struct Page {
    /// After redirects.
    pub final_url: String,
    /// The HTTP status (2xx).
    pub status: u16,
    /// The `Content-Type` header, as sent.
    pub content_type: Option<String>,
    /// The body, decoded from gzip when it was sent so, at most the size cap.
    pub body: Vec<u8>,
}

/// What asking for a URL came to.
#[derive(Debug)]
pub enum Answer {
    /// A 2xx answer with its body.
    Page(Page),
    /// 404/410, a name that does not resolve, or a timeout: recorded in the lock and
    /// reported by `check` as `dead-link`.
    Dead {
        /// The status of the answer, when there was one.
        status: Option<u16>,
        /// The URL that was dead (after redirects).
        final_url: String,
        /// Why it counts as dead.
        dead: Dead,
    },
    /// Anything else (refused by the safety rules, too large, a server error that
    /// outlasted the retries): not recorded, the previous pin (if any) stays.
    Failed(FetchError),
}

/// A 429/503 answer: the request is tried again after `after`.
#[derive(Debug, Clone)]
pub struct Retry {
    /// The URL asked for.
    pub url: String,
    /// 429 or 503.
    pub status: u16,
    /// How long until the next try (`Retry-After`, else backoff).
    pub after: Duration,
}

/// An HTTP client that keeps [`HttpConfig`]'s rules; shared by all workers of a fetch.
pub struct Client {
    agent: ureq::Agent,
    config: HttpConfig,
    gate: HostGate,
}

impl Client {
    /// A client with `config`'s rules.
    pub fn new(config: HttpConfig) -> Client {
        let allow_private = config.allow_private;
        let agent = ureq::AgentBuilder::new()
            .user_agent(USER_AGENT)
            .timeout_connect(config.connect_timeout)
            .timeout(config.timeout)
            .redirects(0)
            .resolver(move |netloc: &str| resolve(netloc, allow_private))
            .build();
        Client {
            agent,
            gate: HostGate::new(config.delay),
            config,
        }
    }

    /// GET `url`, following redirects and retrying 429/503 as configured (each retry
    /// told to `on_retry` first).
    pub fn get(&self, url: &str, on_retry: &mut dyn FnMut(Retry)) -> Answer {
        let mut current = match check_url(url) {
            Ok(u) => u,
            Err(e) => return Answer::Failed(e),
        };
        for _ in 0..=self.config.max_redirects {
            // The host's turn lasts until the body is read.
            let (response, _turn) = match self.request(&current, on_retry) {
                Ok(r) => r,
                Err(answer) => return answer,
            };
            let status = response.status();
            if (300..400).contains(&status) {
                let Some(location) = response.header("Location") else {
                    return Answer::Failed(FetchError::NoLocation {
                        url: current.to_string(),
                        status,
                    });
                };
                let next = current
                    .join(location)
                    .map_err(|e| FetchError::Refused {
                        url: location.to_string(),
                        problem: Refusal::NotAUrl(e.to_string()),
                    })
                    .and_then(|next| check_url(next.as_str()));
                current = match next {
                    Ok(next) => next,
                    Err(e) => {
                        return Answer::Failed(FetchError::Redirect {
                            from: current.to_string(),
                            error: Box::new(e),
                        })
                    }
                };
                continue;
            }
            if !(200..300).contains(&status) {
                return classify_status(status, &current, response);
            }
            return self.read_body(current, response);
        }
        Answer::Failed(FetchError::TooManyRedirects {
            url: current.to_string(),
            max: self.config.max_redirects,
        })
    }

    /// One URL, with retries: a response of any status (3xx and errors included), or the
    /// final answer when there is none to give.
    fn request(
        &self,
        url: &url::Url,
        on_retry: &mut dyn FnMut(Retry),
    ) -> Result<(ureq::Response, Turn<'_>), Answer> {
        let host = format!(
            "{}:{}",
            url.host_str().unwrap_or(""),
            url.port_or_known_default().unwrap_or(0)
        );
        let mut attempt = 0;
        loop {
            let turn = self.gate.acquire(&host);
            let response = match self.agent.request_url("GET", url).call() {
                Ok(r) => r,
                Err(ureq::Error::Status(_, r)) => r,
                Err(ureq::Error::Transport(t)) => return Err(transport_answer(url, &t)),
            };
            let status = response.status();
            if matches!(status, 429 | 503) && attempt < self.config.retries {
                drop(turn);
                let after = retry_after(&response).unwrap_or_else(|| backoff(attempt));
                if after > self.config.max_retry_wait {
                    return Err(Answer::Failed(FetchError::RetryTooLong {
                        url: url.to_string(),
                        status,
                        after,
                        limit: self.config.max_retry_wait,
                    }));
                }
                on_retry(Retry {
                    url: url.to_string(),
                    status,
                    after,
                });
                std::thread::sleep(after);
                attempt += 1;
                continue;
            }
            return Ok((response, turn));
        }
    }

    fn read_body(&self, url: url::Url, response: ureq::Response) -> Answer {
        let cap = self.config.max_bytes;
        let too_large = || {
            Answer::Failed(FetchError::TooLarge {
                url: url.to_string(),
                cap,
            })
        };
        if response
            .header("Content-Length")
            .and_then(|l| l.trim().parse::<u64>().ok())
            .is_some_and(|l| l > cap)
        {
            return too_large();
        }
        let status = response.status();
        let content_type = response.header("Content-Type").map(str::to_string);
        let mut body = Vec::new();
        // One byte past the cap tells "exactly at the cap" from "over it".
        if let Err(e) = response.into_reader().take(cap + 1).read_to_end(&mut body) {
            return if is_timeout(&e) {
                Answer::Dead {
                    status: Some(status),
                    final_url: url.to_string(),
                    dead: Dead::TimedOut { reading_body: true },
                }
            } else {
                Answer::Failed(FetchError::Body {
                    url: url.to_string(),
                    source: e,
                })
            };
        }
        if body.len() as u64 > cap {
            return too_large();
        }
        Answer::Page(Page {
            final_url: url.to_string(),
            status,
            content_type,
            body,
        })
    }
}

/// A URL citecheck may ask for: it parses, its scheme is http or https, it has a host.
pub fn check_url(url: &str) -> Result<url::Url, FetchError> {
    let refused = |problem| FetchError::Refused {
        url: url.to_string(),
        problem,
    };
    let parsed =
        url::Url::parse(url.trim()).map_err(|e| refused(Refusal::NotAUrl(e.to_string())))?;
    match parsed.scheme() {
        "http" | "https" => {}
        other => return Err(refused(Refusal::Scheme(other.to_string()))),
    }
    if parsed.host_str().is_none_or(str::is_empty) {
        return Err(refused(Refusal::NoHost));
    }
    Ok(parsed)
}

fn classify_status(status: u16, url: &url::Url, response: ureq::Response) -> Answer {
    let text = response.status_text().trim().to_string();
    if matches!(status, 404 | 410) {
        Answer::Dead {
            status: Some(status),
            final_url: url.to_string(),
            dead: Dead::Status { status, text },
        }
    } else {
        Answer::Failed(FetchError::Status {
            url: url.to_string(),
            status,
            text,
        })
    }
}

fn transport_answer(url: &url::Url, t: &ureq::Transport) -> Answer {
    let io = std::error::Error::source(t).and_then(|s| s.downcast_ref::<std::io::Error>());
    if let Some(e) = io {
        // The resolver's refusal (see `resolve`), with the address it refused.
        if let Some(refused) = e
            .get_ref()
            .and_then(|inner| inner.downcast_ref::<NonPublicAddress>())
        {
            return Answer::Failed(FetchError::Refused {
                url: url.to_string(),
                problem: Refusal::NonPublic {
                    address: refused.address,
                    range: refused.range,
                },
            });
        }
        if is_timeout(e) {
            return Answer::Dead {
                status: None,
                final_url: url.to_string(),
                dead: Dead::TimedOut {
                    reading_body: false,
                },
            };
        }
    }
    match t.kind() {
        ureq::ErrorKind::Dns => Answer::Dead {
            status: None,
            final_url: url.to_string(),
            dead: Dead::Dns {
                host: url.host_str().unwrap_or_default().to_string(),
            },
        },
        _ => Answer::Failed(FetchError::Transport {
            url: url.to_string(),
            message: t.to_string(),
        }),
    }
}

fn is_timeout(e: &std::io::Error) -> bool {
    if matches!(
        e.kind(),
        std::io::ErrorKind::TimedOut | std::io::ErrorKind::WouldBlock
    ) {
        return true;
    }
    // ureq wraps a timed-out read in another io::Error.
    std::error::Error::source(e)
        .and_then(|s| s.downcast_ref::<std::io::Error>())
        .is_some_and(is_timeout)
}

/// `Retry-After: 5` (seconds); the HTTP-date form falls back to backoff.
fn retry_after(response: &ureq::Response) -> Option<Duration> {
    response
        .header("Retry-After")?
        .trim()
        .parse::<u64>()
        .ok()
        .map(Duration::from_secs)
}

/// 1 s, 2 s, 4 s, …
fn backoff(attempt: u32) -> Duration {
    Duration::from_secs(1u64 << attempt.min(6))
}

/// `25 MB`, `16 KB`, `300 bytes`: a size as the `--max-size` flag writes it.
pub fn human_bytes(n: u64) -> String {
    if n >= 1024 * 1024 && n.is_multiple_of(1024 * 1024) {
        format!("{} MB", n / (1024 * 1024))
    } else if n >= 1024 && n.is_multiple_of(1024) {
        format!("{} KB", n / 1024)
    } else {
        format!("{n} bytes")
    }
}

/// The resolver's refusal, carried inside the `io::Error` ureq hands back so that the
/// fetch can tell it from a DNS failure (a dead link) and name the address.
#[derive(Debug)]
struct NonPublicAddress {
    address: IpAddr,
    range: &'static str,
}

impl fmt::Display for NonPublicAddress {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        write!(f, "{} is a {} address", self.address, self.range)
    }
}

impl std::error::Error for NonPublicAddress {}

/// Resolve `host:port`, keeping only addresses citecheck may connect to.
fn resolve(netloc: &str, allow_private: bool) -> std::io::Result<Vec<SocketAddr>> {
    let all: Vec<SocketAddr> = netloc.to_socket_addrs()?.collect();
    if allow_private {
        return Ok(all);
    }
    let public: Vec<SocketAddr> = all
        .iter()
        .copied()
        .filter(|a| non_public(a.ip()).is_none())
        .collect();
    match (public.is_empty(), all.first()) {
        (true, Some(first)) => Err(std::io::Error::new(
            std::io::ErrorKind::PermissionDenied,
            NonPublicAddress {
                address: first.ip(),
                range: non_public(first.ip()).unwrap_or("private"),
            },
        )),
        _ => Ok(public),
    }
}

/// Which non-public range an address is in, if any.
pub fn non_public(ip: IpAddr) -> Option<&'static str> {
    match ip {
        IpAddr::V4(v4) => {
            let o = v4.octets();
            if v4.is_loopback() {
                Some("loopback")
            } else if v4.is_private() || (o[0] == 100 && (o[1] & 0xc0) == 64) {
                Some("private")
            } else if v4.is_link_local() {
                Some("link-local")
            } else if v4.is_unspecified() || o[0] == 0 {
                Some("unspecified")
            } else if v4.is_broadcast() || v4.is_multicast() || o[0] >= 240 {
                Some("reserved")
            } else {
                None
            }
        }
        IpAddr::V6(v6) => {
            if let Some(v4) = v6.to_ipv4_mapped() {
                return non_public(IpAddr::V4(v4));
            }
            if v6.is_loopback() {
                Some("loopback")
            } else if v6.is_unspecified() {
                Some("unspecified")
            } else if v6.is_unique_local() {
                Some("private")
            } else if v6.is_unicast_link_local() {
                Some("link-local")
            } else if v6.is_multicast() {
                Some("reserved")
            } else {
                None
            }
        }
    }
}

/// One request at a time per host, and `delay` between the end of one and the start of
/// the next: several workers share it, whichever sources they hold.
struct HostGate {
    delay: Duration,
    state: Arc<(Mutex<HashMap<String, HostState>>, Condvar)>,
}

#[derive(Default)]
struct HostState {
    busy: bool,
    free_at: Option<Instant>,
}

/// A host's turn; the next request to it may start `delay` after this is dropped.
struct Turn<'a> {
    gate: &'a HostGate,
    host: String,
}

impl HostGate {
    fn new(delay: Duration) -> HostGate {
        HostGate {
            delay,
            state: Arc::new((Mutex::new(HashMap::new()), Condvar::new())),
        }
    }

    fn acquire(&self, host: &str) -> Turn<'_> {
        let (lock, cond) = &*self.state;
        let mut hosts = lock.lock().unwrap_or_else(|p| p.into_inner());
        loop {
            let state = hosts.entry(host.to_string()).or_default();
            let wait = state
                .free_at
                .map(|t| t.saturating_duration_since(Instant::now()))
                .unwrap_or_default();
            if !state.busy && wait.is_zero() {
                state.busy = true;
                break;
            }
            let timeout = if state.busy {
                Duration::from_millis(100)
            } else {
                wait
            };
            hosts = cond
                .wait_timeout(hosts, timeout)
                .unwrap_or_else(|p| p.into_inner())
                .0;
        }
        Turn {
            gate: self,
            host: host.to_string(),
        }
    }
}

impl Drop for Turn<'_> {
    fn drop(&mut self) {
        let (lock, cond) = &*self.gate.state;
        let mut hosts = lock.lock().unwrap_or_else(|p| p.into_inner());
        if let Some(state) = hosts.get_mut(&self.host) {
            state.busy = false;
            state.free_at = Some(Instant::now() + self.gate.delay);
        }
        cond.notify_all();
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn only_http_and_https_are_fetched() {
        assert!(check_url("https://avalon.law.yale.edu/wwii/s1.asp").is_ok());
        for bad in [
            "file:///etc/passwd",
            "ftp://x.org/a",
            "gopher://x",
            "not a url",
        ] {
            assert!(check_url(bad).is_err(), "{bad}");
        }
        assert!(check_url("file:///etc/passwd")
            .unwrap_err()
            .to_string()
            .contains("only http and https"));
    }

    #[test]
    fn private_loopback_and_link_local_ranges_are_not_public() {
        for (ip, range) in [
            ("127.0.0.1", "loopback"),
            ("10.1.2.3", "private"),
            ("172.16.0.1", "private"),
            ("192.168.1.1", "private"),
            ("100.64.0.1", "private"),
            ("169.254.169.254", "link-local"),
            ("0.0.0.0", "unspecified"),
            ("::1", "loopback"),
            ("fd00::1", "private"),
            ("fe80::1", "link-local"),
            ("::ffff:127.0.0.1", "loopback"),
        ] {
            assert_eq!(non_public(ip.parse().unwrap()), Some(range), "{ip}");
        }
        for ip in ["93.184.216.34", "2606:4700::1111", "8.8.8.8"] {
            assert_eq!(non_public(ip.parse().unwrap()), None, "{ip}");
        }
    }

    #[test]
    fn the_resolver_refuses_loopback_unless_allowed() {
        let e = resolve("127.0.0.1:80", false).unwrap_err();
        assert_eq!(e.kind(), std::io::ErrorKind::PermissionDenied);
        assert!(e.to_string().contains("loopback"), "{e}");
        let refused = e
            .get_ref()
            .and_then(|i| i.downcast_ref::<NonPublicAddress>());
        assert_eq!(refused.map(|r| r.range), Some("loopback"));
        assert_eq!(resolve("127.0.0.1:80", true).unwrap().len(), 1);
    }
}

//! `citecheck fetch` against a real HTTP server on loopback (this machine has no
//! internet; the server is started by each test and counts the requests it gets): the
//! lock file, text extraction (HTML without its chrome, plain text, PDF), redirects,
//! 404s, stalls, size caps, 503 + Retry-After, pinning, `check --locked`, the safety
//! rules, archived copies and `--discover`.

mod common;

use std::collections::HashMap;
use std::fs;
use std::io::{Read, Write};
use std::net::{SocketAddr, TcpListener, TcpStream};
use std::path::{Path, PathBuf};
use std::sync::atomic::{AtomicBool, Ordering};
use std::sync::{Arc, Mutex};
use std::thread::JoinHandle;
use std::time::Duration;

use assert_cmd::Command;
use common::Run;
use serde_json::Value;

// ---------------------------------------------------------------------------------------
// The test server

/// What the server answers for one request.
enum Reply {
    Body(&'static str, Vec<u8>),
    Status(u16, &'static str, Vec<(&'static str, String)>),
    /// A body sent without Content-Length, ended by closing the connection.
    Unsized(&'static str, Vec<u8>),
    /// Read the request and never answer.
    Stall,
}

/// `route(path, n)`: the answer to the `n`th request (0-based) for `path`.
type Routes = dyn Fn(&str, usize) -> Reply + Send + Sync;

struct Server {
    addr: SocketAddr,
    hits: Arc<Mutex<HashMap<String, usize>>>,
    stop: Arc<AtomicBool>,
    accept: Option<JoinHandle<()>>,
}

impl Server {
    fn start(routes: Arc<Routes>) -> Server {
        let listener = TcpListener::bind("127.0.0.1:0").unwrap();
        let addr = listener.local_addr().unwrap();
        let hits: Arc<Mutex<HashMap<String, usize>>> = Arc::default();
        let stop = Arc::new(AtomicBool::new(false));
        let (h, s) = (hits.clone(), stop.clone());
        let accept = std::thread::spawn(move || {
            for conn in listener.incoming() {
                if s.load(Ordering::SeqCst) {
                    break;
                }
                let Ok(conn) = conn else { continue };
                let (routes, hits, stop) = (routes.clone(), h.clone(), s.clone());
                std::thread::spawn(move || serve(conn, &*routes, &hits, &stop));
            }
        });
        Server {
            addr,
            hits,
            stop,
            accept: Some(accept),
        }
    }

    fn url(&self, path: &str) -> String {
        format!("http://{}{path}", self.addr)
    }

    fn hits(&self, path: &str) -> usize {
        self.hits.lock().unwrap().get(path).copied().unwrap_or(0)
    }

    fn total_hits(&self) -> usize {
        self.hits.lock().unwrap().values().sum()
    }

    fn stop(&mut self) {
        self.stop.store(true, Ordering::SeqCst);
        let _ = TcpStream::connect(self.addr);
        if let Some(a) = self.accept.take() {
            let _ = a.join();
        }
    }
}

impl Drop for Server {
    fn drop(&mut self) {
        self.stop();
    }
}

fn serve(
    mut conn: TcpStream,
    routes: &Routes,
    hits: &Mutex<HashMap<String, usize>>,
    stop: &AtomicBool,
) {
    if stop.load(Ordering::SeqCst) {
        return;
    }
    let _ = conn.set_read_timeout(Some(Duration::from_secs(5)));
    let mut head = Vec::new();
    let mut buf = [0u8; 1024];
    while !head.windows(4).any(|w| w == b"\r\n\r\n") {
        match conn.read(&mut buf) {
            Ok(0) | Err(_) => return,
            Ok(n) => head.extend_from_slice(&buf[..n]),
        }
    }
    let head = String::from_utf8_lossy(&head).to_string();
    let path = head.split_whitespace().nth(1).unwrap_or("/").to_string();
    let n = {
        let mut hits = hits.lock().unwrap();
        let n = hits.entry(path.clone()).or_insert(0);
        *n += 1;
        *n - 1
    };
    let write = |conn: &mut TcpStream,
                 status: u16,
                 reason: &str,
                 headers: &[(&str, String)],
                 body: &[u8]| {
        let mut out = format!("HTTP/1.1 {status} {reason}\r\nConnection: close\r\n");
        for (k, v) in headers {
            out.push_str(&format!("{k}: {v}\r\n"));
        }
        out.push_str("\r\n");
        let _ = conn.write_all(out.as_bytes());
        let _ = conn.write_all(body);
        let _ = conn.flush();
    };
    match routes(&path, n) {
        Reply::Body(ct, body) => write(
            &mut conn,
            200,
            "OK",
            &[
                ("Content-Type", ct.to_string()),
                ("Content-Length", body.len().to_string()),
            ],
            &body,
        ),
        Reply::Status(code, reason, mut headers) => {
            headers.push(("Content-Length", "0".into()));
            write(&mut conn, code, reason, &headers, b"")
        }
        Reply::Unsized(ct, body) => write(
            &mut conn,
            200,
            "OK",
            &[("Content-Type", ct.to_string())],
            &body,
        ),
        Reply::Stall => {
            // Hold the connection open without a byte of answer until the test ends.
            for _ in 0..200 {
                if stop.load(Ordering::SeqCst) {
                    break;
                }
                std::thread::sleep(Duration::from_millis(50));
            }
        }
    }
}

// ---------------------------------------------------------------------------------------
// The pages

/// A page with the text inside site chrome: header links, a sidebar, a footer, a script.
const TREATY_PAGE: &str = r#"<!DOCTYPE html>
<html><head><title>Treaty of Quellmoor</title><style>body { color: #333 }</style></head>
<body>
<div id="header"><a href="/">Home</a> | <a href="/search">Search the Collection</a></div>
<div class="sidebar"><ul><li><a href="/a">Browse by Century</a></li><li>Donate Today</li></ul></div>
<div class="content">
<h2>Treaty of Quellmoor</h2>
<p>Article 1. The parties shall keep the harbour open
in every season to the ships of either party.</p>
<p>Article 2. Disputes shall go to the joint commission.</p>
</div>
<div class="footer">Copyright Quellmoor Library Foundation. All rights reserved.</div>
<script>trackVisitor("treaty");</script>
</body></html>
"#;

const NOTES_TEXT: &str =
    "Harbour notes\n\nThe dredging of the channel was paid by both towns in equal shares.\n";

const CHARTER_PAGE: &str = r#"<html><body><nav><a href="/">Town Archive Home</a></nav>
<main><h1>Charter of Quellmoor</h1>
<p>The town shall hold a market every Tuesday of the year.</p></main>
<footer>Archive footer text</footer></body></html>"#;

const BRIDGE_PAGE: &str = r#"<html><body><main>
<p>Bridge records: the old bridge was closed to carts in winter.</p>
</main></body></html>"#;

/// A one-page PDF whose text is `lines`, written with lopdf.
fn pdf(lines: &[&str]) -> Vec<u8> {
    use lopdf::content::{Content, Operation};
    use lopdf::{dictionary, Document, Object, Stream};
    let mut doc = Document::with_version("1.5");
    let pages_id = doc.new_object_id();
    let font_id = doc.add_object(dictionary! {
        "Type" => "Font",
        "Subtype" => "Type1",
        "BaseFont" => "Helvetica",
        "Encoding" => "WinAnsiEncoding",
    });
    let resources_id = doc.add_object(dictionary! {
        "Font" => dictionary! { "F1" => font_id },
    });
    let mut operations = vec![
        Operation::new("BT", vec![]),
        Operation::new("Tf", vec!["F1".into(), 12.into()]),
        Operation::new("Td", vec![72.into(), 720.into()]),
    ];
    for line in lines {
        operations.push(Operation::new("Tj", vec![Object::string_literal(*line)]));
        operations.push(Operation::new("Td", vec![0.into(), (-16).into()]));
    }
    operations.push(Operation::new("ET", vec![]));
    let content = Content { operations };
    let content_id = doc.add_object(Stream::new(dictionary! {}, content.encode().unwrap()));
    let page_id = doc.add_object(dictionary! {
        "Type" => "Page",
        "Parent" => pages_id,
        "Contents" => content_id,
    });
    doc.objects.insert(
        pages_id,
        Object::Dictionary(dictionary! {
            "Type" => "Pages",
            "Kids" => vec![page_id.into()],
            "Count" => 1,
            "Resources" => resources_id,
            "MediaBox" => vec![0.into(), 0.into(), 595.into(), 842.into()],
        }),
    );
    let catalog_id = doc.add_object(dictionary! {
        "Type" => "Catalog",
        "Pages" => pages_id,
    });
    doc.trailer.set("Root", catalog_id);
    let mut out = Vec::new();
    doc.save_to(&mut out).unwrap();
    out
}

/// Every page the acceptance list names.
fn site() -> Arc<Routes> {
    let report = pdf(&[
        "Report of the Harbour Board",
        "The board met nine times in 1890.",
    ]);
    Arc::new(move |path: &str, n: usize| match path {
        "/treaty.html" => Reply::Body("text/html; charset=utf-8", TREATY_PAGE.into()),
        "/notes.txt" => Reply::Body("text/plain", NOTES_TEXT.into()),
        "/report.pdf" => Reply::Body("application/pdf", report.clone()),
        "/old-notes" => Reply::Status(
            301,
            "Moved Permanently",
            vec![("Location", "/notes.txt".into())],
        ),
        "/missing" | "/gone-page" => Reply::Status(404, "Not Found", vec![]),
        "/stall" => Reply::Stall,
        "/huge" => Reply::Unsized("text/plain", vec![b'x'; 64 * 1024]),
        "/busy" if n == 0 => Reply::Status(
            503,
            "Service Unavailable",
            vec![("Retry-After", "1".into())],
        ),
        "/busy" => Reply::Body("text/plain", b"Busy page, answered at last.\n".to_vec()),
        "/to-file" => Reply::Status(
            302,
            "Found",
            vec![("Location", "file:///etc/passwd".into())],
        ),
        "/charter.html" => Reply::Body("text/html", CHARTER_PAGE.into()),
        "/archive/bridge.html" => Reply::Body("text/html", BRIDGE_PAGE.into()),
        _ => Reply::Status(404, "Not Found", vec![]),
    })
}

// ---------------------------------------------------------------------------------------
// Corpora and runs

/// `citecheck --corpus DIR ARGS…` with an index of its own.
fn citecheck(corpus: &Path, args: &[&str]) -> Run {
    let index = corpus.with_file_name(format!(
        "{}-index",
        corpus.file_name().unwrap().to_string_lossy()
    ));
    common::run(
        Command::cargo_bin("citecheck")
            .unwrap()
            .arg("--corpus")
            .arg(corpus)
            .arg("--index")
            .arg(&index)
            .args(["--color", "never"])
            .args(args)
            .timeout(Duration::from_secs(120)),
    )
}

/// `fetch` as the tests run it: loopback allowed (the server is there), no delay.
fn fetch(corpus: &Path, extra: &[&str]) -> Run {
    let mut args = vec![
        "fetch",
        "--allow-private",
        "--delay-ms",
        "0",
        "--timeout",
        "5",
    ];
    args.extend_from_slice(extra);
    citecheck(corpus, &args)
}

/// A corpus directory with `corpus.toml` (when given) and articles.
fn corpus(manifest: Option<&str>, articles: &[(&str, &str)]) -> (tempfile::TempDir, PathBuf) {
    let dir = tempfile::tempdir().unwrap();
    let root = dir.path().join("corpus");
    fs::create_dir_all(root.join("articles")).unwrap();
    if let Some(m) = manifest {
        fs::write(root.join("corpus.toml"), m).unwrap();
    }
    for (name, text) in articles {
        fs::write(root.join("articles").join(name), text).unwrap();
    }
    (dir, root)
}

fn lock(root: &Path) -> toml::Value {
    let text = fs::read_to_string(root.join("corpus.lock")).expect("corpus.lock written");
    toml::from_str(&text).unwrap()
}

fn lock_entry(root: &Path, id: &str) -> toml::Value {
    lock(root)["source"]
        .as_array()
        .unwrap()
        .iter()
        .find(|e| e["id"].as_str() == Some(id))
        .unwrap_or_else(|| panic!("no lock entry {id}: {:?}", lock(root)))
        .clone()
}

fn sha256(bytes: &[u8]) -> String {
    citecheck::fetch::lock::sha256_hex(bytes)
}

/// A source's text as `check` and the index read it.
fn source_text(root: &Path, id: &str) -> String {
    let corpus = citecheck::Corpus::load(root).unwrap();
    let source = corpus
        .source(id)
        .unwrap_or_else(|| panic!("no source {id}"));
    citecheck::sources::read_text(&corpus, source)
        .unwrap()
        .unwrap_or_else(|| panic!("{id} has no text"))
        .1
}

fn source_toml(id: &str, title: &str, url: &str) -> String {
    format!("[[source]]\nid = {id:?}\ntitle = {title:?}\nurl = {url:?}\n\n")
}

const ARTICLE_HEAD: &str = "[[article]]\nid = \"harbour\"\nfile = \"articles/harbour.txt\"\n\n";

/// A plain-text article: its sentences cite `[n]`, its references list the URLs.
fn harbour_article(server: &Server) -> String {
    format!(
        "Quellmoor Harbour\n\n\
Quellmoor Harbour is a harbour.\n\n\
History\n\n\
The treaty bound the parties to \"keep the harbour open in every season\".[1] \
It was printed with the words \"Copyright Quellmoor Library Foundation\".[1] \
The channel was dredged at shared cost.[2]\n\n\
References\n\n\
  1. ^ Treaty of Quellmoor. {}\n\
  2. ^ Harbour notes. {}\n",
        server.url("/treaty.html"),
        server.url("/old-notes"),
    )
}

fn findings_of<'a>(v: &'a Value, rule: &str) -> Vec<&'a Value> {
    v["findings"]
        .as_array()
        .unwrap()
        .iter()
        .filter(|f| f["rule"] == rule)
        .collect()
}

// ---------------------------------------------------------------------------------------
// Acceptance

#[test]
fn fetch_pins_every_source_in_the_lock_and_a_second_fetch_asks_nothing() {
    let server = Server::start(site());
    let manifest = format!(
        "{ARTICLE_HEAD}{}{}{}{}",
        source_toml("treaty", "Treaty of Quellmoor", &server.url("/treaty.html")),
        source_toml("notes", "Harbour notes", &server.url("/old-notes")),
        source_toml(
            "report",
            "Report of the Harbour Board",
            &server.url("/report.pdf")
        ),
        source_toml("busy", "Busy page", &server.url("/busy")),
    );
    let (_dir, root) = corpus(
        Some(&manifest),
        &[("harbour.txt", &harbour_article(&server))],
    );

    let run = fetch(&root, &[]);
    assert_eq!(run.code, 0, "{}", run.all());

    // The lock: one entry per source with where the bytes are and their hash.
    let treaty = lock_entry(&root, "treaty");
    assert_eq!(
        treaty["url"].as_str(),
        Some(server.url("/treaty.html").as_str())
    );
    assert_eq!(
        treaty["final_url"].as_str(),
        Some(server.url("/treaty.html").as_str())
    );
    assert_eq!(treaty["status"].as_integer(), Some(200));
    assert_eq!(
        treaty["content_type"].as_str(),
        Some("text/html; charset=utf-8")
    );
    assert_eq!(treaty["bytes"].as_integer(), Some(TREATY_PAGE.len() as i64));
    assert_eq!(
        treaty["sha256"].as_str(),
        Some(sha256(TREATY_PAGE.as_bytes()).as_str())
    );
    assert_eq!(treaty["file"].as_str(), Some("sources/treaty.html"));
    assert_eq!(treaty["archived"].as_bool(), Some(false));
    assert_eq!(treaty["discovered"].as_bool(), Some(false));
    let at = treaty["fetched_at"].as_str().unwrap();
    assert!(
        at.len() == 20 && at.ends_with('Z') && at.as_bytes()[10] == b'T',
        "fetched_at {at}"
    );
    // The original bytes, as served.
    assert_eq!(
        fs::read_to_string(root.join("sources/treaty.html")).unwrap(),
        TREATY_PAGE
    );

    // 301 → 200: the final URL is recorded, the text is the target's.
    let notes = lock_entry(&root, "notes");
    assert_eq!(
        notes["url"].as_str(),
        Some(server.url("/old-notes").as_str())
    );
    assert_eq!(
        notes["final_url"].as_str(),
        Some(server.url("/notes.txt").as_str())
    );
    assert_eq!(notes["file"].as_str(), Some("sources/notes.txt"));
    assert_eq!(source_text(&root, "notes"), NOTES_TEXT);

    // 503 with Retry-After, then 200: asked twice, pinned.
    assert_eq!(server.hits("/busy"), 2);
    assert_eq!(lock_entry(&root, "busy")["status"].as_integer(), Some(200));

    // The extracted text: the body, none of the chrome.
    let text = source_text(&root, "treaty");
    assert!(text.contains("Treaty of Quellmoor"), "{text}");
    assert!(
        text.contains(
            "The parties shall keep the harbour open in every season to the ships of either party."
        ),
        "{text}"
    );
    for chrome in [
        "Home",
        "Search the Collection",
        "Browse by Century",
        "Donate",
        "Copyright",
        "trackVisitor",
        "color",
    ] {
        assert!(!text.contains(chrome), "chrome {chrome:?} in {text}");
    }

    // The PDF: its text.
    let report = lock_entry(&root, "report");
    assert_eq!(report["content_type"].as_str(), Some("application/pdf"));
    assert_eq!(report["file"].as_str(), Some("sources/report.pdf"));
    let text = source_text(&root, "report");
    assert!(text.contains("Report of the Harbour Board"), "{text}");
    assert!(text.contains("The board met nine times in 1890."), "{text}");

    // Everything pinned: no request at all, and it says so.
    let lock_before = fs::read_to_string(root.join("corpus.lock")).unwrap();
    let asked = server.total_hits();
    let again = fetch(&root, &[]);
    assert_eq!(again.code, 0, "{}", again.all());
    assert_eq!(server.total_hits(), asked, "a second fetch made requests");
    assert!(again.stdout.contains("up to date"), "{}", again.all());
    assert_eq!(
        fs::read_to_string(root.join("corpus.lock")).unwrap(),
        lock_before
    );
}

#[test]
fn check_after_fetch_verifies_a_quotation_against_the_fetched_page() {
    let server = Server::start(site());
    let manifest = format!(
        "{ARTICLE_HEAD}{}{}",
        source_toml("treaty", "Treaty of Quellmoor", &server.url("/treaty.html")),
        source_toml("notes", "Harbour notes", &server.url("/old-notes")),
    );
    let (_dir, root) = corpus(
        Some(&manifest),
        &[("harbour.txt", &harbour_article(&server))],
    );

    let before = citecheck(&root, &["check", "--format", "json"]).json();
    assert_eq!(before["summary"]["verified"].as_u64(), Some(0), "{before}");
    let run = fetch(&root, &[]);
    assert_eq!(run.code, 0, "{}", run.all());

    let v = citecheck(&root, &["check", "--format", "json"]).json();
    // The quotation from the page body is verified …
    assert!(v["summary"]["verified"].as_u64().unwrap() >= 1, "{v}");
    let quotes = findings_of(&v, "quote-not-in-source");
    // … and the one from the page's footer is not in the text (chrome is not the source).
    assert_eq!(quotes.len(), 1, "{v}");
    assert!(
        quotes[0]["sentence"]
            .as_str()
            .unwrap()
            .contains("Copyright Quellmoor"),
        "{}",
        quotes[0]
    );
    assert!(findings_of(&v, "missing-source-text").is_empty(), "{v}");
}

#[test]
fn a_404_is_recorded_and_check_reports_dead_link_with_the_server_stopped() {
    let mut server = Server::start(site());
    let manifest = format!(
        "{ARTICLE_HEAD}{}{}",
        source_toml("treaty", "Treaty of Quellmoor", &server.url("/missing")),
        source_toml("notes", "Harbour notes", &server.url("/old-notes")),
    );
    let article = harbour_article(&server).replace("/treaty.html", "/missing");
    let (_dir, root) = corpus(Some(&manifest), &[("harbour.txt", &article)]);

    let run = fetch(&root, &[]);
    assert_eq!(
        run.code,
        1,
        "a dead link is a source not fetched: {}",
        run.all()
    );
    assert!(run.stdout.contains("404"), "{}", run.all());
    let dead = lock_entry(&root, "treaty");
    assert_eq!(dead["status"].as_integer(), Some(404));
    assert!(dead["error"].as_str().unwrap().contains("404"), "{dead:?}");
    assert!(
        dead.get("file").is_none() && dead.get("sha256").is_none(),
        "{dead:?}"
    );

    server.stop();
    let v = citecheck(&root, &["check", "--format", "json"]).json();
    let dead = findings_of(&v, "dead-link");
    assert_eq!(dead.len(), 1, "{v}");
    assert_eq!(dead[0]["source"], "treaty");
    assert_eq!(dead[0]["severity"], "warning");
    assert!(
        dead[0]["message"].as_str().unwrap().contains("/missing"),
        "{}",
        dead[0]
    );
    // The dead link is the finding about that work, not a second missing-source-text.
    assert!(findings_of(&v, "missing-source-text").is_empty(), "{v}");

    let explain = citecheck(&root, &["check", "--explain", "dead-link"]);
    assert_eq!(explain.code, 0);
    assert!(explain.stdout.contains("404"), "{}", explain.stdout);
}

#[test]
fn a_stalled_server_times_out_and_an_oversized_body_stops_at_the_cap() {
    let server = Server::start(site());
    let manifest = format!(
        "{ARTICLE_HEAD}{}{}",
        source_toml("stalled", "Stalled", &server.url("/stall")),
        source_toml("huge", "Huge", &server.url("/huge")),
    );
    let (_dir, root) = corpus(
        Some(&manifest),
        &[("harbour.txt", &harbour_article(&server))],
    );

    let run = citecheck(
        &root,
        &[
            "fetch",
            "--allow-private",
            "--delay-ms",
            "0",
            "--timeout",
            "1",
            "--max-size",
            "16KB",
        ],
    );
    assert_eq!(run.code, 1, "{}", run.all());
    // The stall is a dead link (recorded), the oversized body a failure (not recorded).
    let stalled = lock_entry(&root, "stalled");
    assert!(
        stalled["error"].as_str().unwrap().contains("timed out"),
        "{stalled:?}"
    );
    assert!(run.stdout.contains("16 KB cap"), "{}", run.all());
    let entries = lock(&root)["source"].as_array().unwrap().clone();
    assert!(
        entries.iter().all(|e| e["id"].as_str() != Some("huge")),
        "{entries:?}"
    );
    assert!(!root.join("sources/huge.txt").exists());
}

#[test]
fn check_locked_exits_2_after_a_fetched_file_is_edited_and_0_when_restored() {
    let server = Server::start(site());
    let manifest = format!(
        "{ARTICLE_HEAD}{}",
        source_toml("notes", "Harbour notes", &server.url("/notes.txt")),
    );
    let article = "Quellmoor Harbour\n\nQuellmoor Harbour is a harbour.\n\nHistory\n\n\
The channel was \"paid by both towns in equal shares\".[1]\n\nReferences\n\n  1. ^ Harbour notes.\n";
    let (_dir, root) = corpus(Some(&manifest), &[("harbour.txt", article)]);
    assert_eq!(fetch(&root, &[]).code, 0);

    let ok = citecheck(&root, &["check", "--locked"]);
    assert_eq!(ok.code, 0, "{}", ok.all());

    let file = root.join("sources/notes.txt");
    fs::write(&file, "Harbour notes\n\nEdited by hand.\n").unwrap();
    let edited = citecheck(&root, &["check", "--locked"]);
    assert_eq!(edited.code, 2, "{}", edited.all());
    assert!(edited.stderr.contains("`notes`"), "{}", edited.stderr);
    assert!(edited.stderr.contains("SHA-256"), "{}", edited.stderr);

    fs::remove_file(&file).unwrap();
    let missing = citecheck(&root, &["check", "--locked"]);
    assert_eq!(missing.code, 2, "{}", missing.all());
    assert!(missing.stderr.contains("missing"), "{}", missing.stderr);
    // Without --locked the text is only missing, and the help says how to get it back.
    let v = citecheck(&root, &["check", "--format", "json"]).json();
    let gone = findings_of(&v, "missing-source-text");
    assert_eq!(gone.len(), 1, "{v}");
    assert!(
        gone[0]["help"]
            .as_str()
            .unwrap()
            .contains("corpus.lock pins sources/notes.txt"),
        "{}",
        gone[0]
    );

    fs::write(&file, NOTES_TEXT).unwrap();
    let restored = citecheck(&root, &["check", "--locked"]);
    assert_eq!(restored.code, 0, "{}", restored.all());
}

#[test]
fn redirects_to_file_urls_and_loopback_without_allow_private_are_refused() {
    let server = Server::start(site());
    let manifest = format!(
        "{ARTICLE_HEAD}{}",
        source_toml("sneaky", "Sneaky", &server.url("/to-file")),
    );
    let (_dir, root) = corpus(
        Some(&manifest),
        &[("harbour.txt", &harbour_article(&server))],
    );

    let run = fetch(&root, &[]);
    assert_eq!(run.code, 1, "{}", run.all());
    assert!(run.stdout.contains("file:///etc/passwd"), "{}", run.all());
    assert!(run.stdout.contains("only http and https"), "{}", run.all());
    assert!(!root.join("sources/sneaky.txt").exists());

    // Without --allow-private the server is never asked.
    let asked = server.total_hits();
    let run = citecheck(&root, &["fetch", "--delay-ms", "0"]);
    assert_eq!(run.code, 1, "{}", run.all());
    assert!(run.stdout.contains("loopback"), "{}", run.all());
    assert!(run.stdout.contains("--allow-private"), "{}", run.all());
    assert_eq!(server.total_hits(), asked, "a loopback address was asked");
}

#[test]
fn an_id_like_dotdot_etc_cannot_escape_sources() {
    let server = Server::start(site());
    let manifest = format!(
        "{ARTICLE_HEAD}{}",
        source_toml("../../etc/x", "Harbour notes", &server.url("/notes.txt")),
    );
    let (dir, root) = corpus(
        Some(&manifest),
        &[("harbour.txt", &harbour_article(&server))],
    );
    let run = fetch(&root, &[]);
    assert_eq!(run.code, 0, "{}", run.all());

    let file = lock_entry(&root, "../../etc/x")["file"]
        .as_str()
        .unwrap()
        .to_string();
    assert!(
        file.starts_with("sources/") && !file.contains(".."),
        "{file}"
    );
    assert_eq!(fs::read_to_string(root.join(&file)).unwrap(), NOTES_TEXT);
    assert!(!dir.path().join("etc").exists());
    let mut top: Vec<String> = fs::read_dir(dir.path())
        .unwrap()
        .map(|e| e.unwrap().file_name().to_string_lossy().into_owned())
        .filter(|n| !n.ends_with("-index"))
        .collect();
    top.sort();
    assert_eq!(top, ["corpus"]);
    let sources: Vec<_> = fs::read_dir(root.join("sources")).unwrap().collect();
    assert_eq!(sources.len(), 1, "{sources:?}");
    // And the text is that source's.
    assert_eq!(source_text(&root, "../../etc/x"), NOTES_TEXT);
}

#[test]
fn discover_fetches_cite_web_urls_and_check_verifies_without_any_source_in_a_manifest() {
    let server = Server::start(site());
    let article = format!(
        "'''Quellmoor''' is a town.\n\n\
== History ==\n\
The charter says the town \"shall hold a market every Tuesday of the year\".<ref>{{{{cite web |url={} |title=Charter of Quellmoor |access-date=2020-01-01}}}}</ref>\n\n\
The records say that \"the old bridge was closed to carts in winter\".<ref>{{{{cite web |url={} |archive-url={} |title=Bridge records}}}}</ref>\n\n\
== References ==\n<references />\n",
        server.url("/charter.html"),
        server.url("/gone-page"),
        server.url("/archive/bridge.html"),
    );
    // No corpus.toml at all: every text file is an article.
    let (_dir, root) = corpus(None, &[("quellmoor.wiki", &article)]);

    let before = citecheck(&root, &["check", "--format", "json"]).json();
    assert_eq!(before["summary"]["verified"].as_u64(), Some(0), "{before}");

    let run = fetch(&root, &["--discover"]);
    assert_eq!(run.code, 0, "{}", run.all());
    let entries = lock(&root)["source"].as_array().unwrap().clone();
    assert_eq!(entries.len(), 2, "{entries:?}");
    assert!(entries
        .iter()
        .all(|e| e["discovered"].as_bool() == Some(true)));
    let charter = entries
        .iter()
        .find(|e| e["url"].as_str() == Some(server.url("/charter.html").as_str()))
        .unwrap();
    assert_eq!(charter["archived"].as_bool(), Some(false));
    // The dead URL's archived copy, as the reference gives it.
    let bridge = entries
        .iter()
        .find(|e| e["url"].as_str() == Some(server.url("/gone-page").as_str()))
        .unwrap();
    assert_eq!(bridge["archived"].as_bool(), Some(true), "{bridge:?}");
    assert_eq!(
        bridge["archive_url"].as_str(),
        Some(server.url("/archive/bridge.html").as_str())
    );
    assert_eq!(
        bridge["final_url"].as_str(),
        Some(server.url("/archive/bridge.html").as_str())
    );
    assert_eq!(server.hits("/gone-page"), 1);

    let v = citecheck(&root, &["check", "--format", "json"]).json();
    assert_eq!(
        v["summary"]["articles"].as_u64(),
        Some(1),
        "fetched pages are not articles: {v}"
    );
    assert_eq!(v["summary"]["verified"].as_u64(), Some(2), "{v}");
    assert!(findings_of(&v, "quote-not-in-source").is_empty(), "{v}");
    assert!(findings_of(&v, "unlinked-reference").is_empty(), "{v}");
    assert!(
        findings_of(&v, "dead-link").is_empty(),
        "archived copies are texts: {v}"
    );

    // The links are by URL, with full confidence.
    let parsed = citecheck(
        &root,
        &[
            "parse",
            &root.join("articles/quellmoor.wiki").to_string_lossy(),
            "--format",
            "json",
        ],
    )
    .json();
    for r in parsed["references"].as_array().unwrap() {
        assert_eq!(r["link_score"].as_f64(), Some(1.0), "{r}");
        assert!(r["source"].as_str().unwrap().starts_with("url-"), "{r}");
    }

    // Discovered and pinned: a second run asks nothing.
    let asked = server.total_hits();
    let again = fetch(&root, &["--discover"]);
    assert!(again.stdout.contains("up to date"), "{}", again.all());
    assert_eq!(server.total_hits(), asked);
}

#[test]
fn update_refetches_and_reports_which_texts_changed_upstream() {
    let version = Arc::new(Mutex::new("first\n".to_string()));
    let v = version.clone();
    let server = Server::start(Arc::new(move |path: &str, _| match path {
        "/a.txt" => Reply::Body("text/plain", v.lock().unwrap().clone().into_bytes()),
        _ => Reply::Body("text/plain", b"steady\n".to_vec()),
    }));
    let manifest = format!(
        "{ARTICLE_HEAD}{}{}",
        source_toml("a", "A", &server.url("/a.txt")),
        source_toml("b", "B", &server.url("/b.txt")),
    );
    let (_dir, root) = corpus(
        Some(&manifest),
        &[("harbour.txt", &harbour_article(&server))],
    );
    assert_eq!(fetch(&root, &[]).code, 0);
    *version.lock().unwrap() = "second\n".into();

    let run = fetch(&root, &["--update", "--format", "json"]);
    assert_eq!(run.code, 0, "{}", run.all());
    let v = run.json();
    let outcome = |id: &str| {
        v["sources"]
            .as_array()
            .unwrap()
            .iter()
            .find(|s| s["id"] == id)
            .map(|s| s["outcome"].as_str().unwrap().to_string())
    };
    assert_eq!(outcome("a").as_deref(), Some("changed"), "{v}");
    assert_eq!(outcome("b").as_deref(), Some("unchanged"), "{v}");
    assert_eq!(
        fs::read_to_string(root.join("sources/a.txt")).unwrap(),
        "second\n"
    );
    assert_eq!(
        lock_entry(&root, "a")["sha256"].as_str(),
        Some(sha256(b"second\n").as_str())
    );
}

#[test]
fn archive_asks_the_availability_service_for_a_dead_url_and_records_the_copy() {
    let base: Arc<Mutex<String>> = Arc::default();
    let b = base.clone();
    let server = Server::start(Arc::new(move |path: &str, _| {
        if path.starts_with("/wayback/available?url=") {
            let snapshot = format!("{}/web/2019/notes", b.lock().unwrap());
            let body = format!(
                r#"{{"archived_snapshots":{{"closest":{{"available":true,"status":"200","url":"{snapshot}"}}}}}}"#
            );
            return Reply::Body("application/json", body.into_bytes());
        }
        match path {
            "/web/2019/notes" => Reply::Body("text/plain", NOTES_TEXT.into()),
            _ => Reply::Status(410, "Gone", vec![]),
        }
    }));
    *base.lock().unwrap() = server.url("");
    let manifest = format!(
        "{ARTICLE_HEAD}{}",
        source_toml("notes", "Harbour notes", &server.url("/notes-gone")),
    );
    let (_dir, root) = corpus(
        Some(&manifest),
        &[("harbour.txt", &harbour_article(&server))],
    );

    // Without --archive the 410 is a dead link …
    assert_eq!(fetch(&root, &[]).code, 1);
    assert!(lock_entry(&root, "notes")["error"]
        .as_str()
        .unwrap()
        .contains("410"));
    // … with it, the archived copy is the text.
    let endpoint = server.url("/wayback/available");
    let run = fetch(
        &root,
        &["--update", "--archive", "--archive-endpoint", &endpoint],
    );
    assert_eq!(run.code, 0, "{}", run.all());
    let entry = lock_entry(&root, "notes");
    assert_eq!(entry["archived"].as_bool(), Some(true), "{entry:?}");
    assert_eq!(
        entry["archive_url"].as_str(),
        Some(server.url("/web/2019/notes").as_str())
    );
    assert!(entry.get("error").is_none(), "{entry:?}");
    assert_eq!(source_text(&root, "notes"), NOTES_TEXT);
}

#[test]
fn a_dead_source_nothing_cites_is_reported_at_its_lock_entry() {
    let server = Server::start(site());
    let manifest = format!(
        "{ARTICLE_HEAD}{}{}",
        source_toml("notes", "Harbour notes", &server.url("/old-notes")),
        source_toml("lost", "Lost minutes", &server.url("/missing")),
    );
    let (_dir, root) = corpus(
        Some(&manifest),
        &[("harbour.txt", &harbour_article(&server))],
    );
    assert_eq!(fetch(&root, &[]).code, 1);

    let v = citecheck(&root, &["check", "--format", "json"]).json();
    let dead = findings_of(&v, "dead-link");
    assert_eq!(dead.len(), 1, "{v}");
    assert_eq!(dead[0]["source"], "lost");
    // No reference cites it: the finding points at its entry in corpus.lock.
    let file = dead[0]["file"].as_str().unwrap();
    assert!(file.ends_with("corpus.lock"), "{}", dead[0]);
    let line = dead[0]["line"].as_u64().unwrap() as usize;
    let lock_text = fs::read_to_string(root.join("corpus.lock")).unwrap();
    let entry: Vec<&str> = lock_text.lines().skip(line - 1).take(3).collect();
    assert!(
        entry.iter().any(|l| l.contains("id = \"lost\"")),
        "line {line} of corpus.lock is not the entry of `lost`: {entry:?}"
    );
}

#[test]
fn a_lock_naming_a_file_outside_sources_is_an_error_at_its_line() {
    let (_dir, root) = corpus(
        Some(&format!(
            "{ARTICLE_HEAD}{}",
            source_toml("notes", "Harbour notes", "https://example.org/notes")
        )),
        &[(
            "harbour.txt",
            "Quellmoor Harbour\n\nQuellmoor Harbour is a harbour.\n",
        )],
    );
    fs::write(
        root.join("corpus.lock"),
        "[[source]]\nid = \"notes\"\nurl = \"https://example.org/notes\"\n\
fetched_at = \"2026-12-01T09:40:00Z\"\nsha256 = \"00\"\nfile = \"../../etc/passwd\"\n",
    )
    .unwrap();
    let run = citecheck(&root, &["check"]);
    assert_eq!(run.code, 2, "{}", run.all());
    assert!(run.stderr.contains("corpus.lock:1:"), "{}", run.stderr);
    assert!(
        run.stderr.contains("not a plain file name"),
        "{}",
        run.stderr
    );
}

/// The library reports a fetch's progress and retries to the observer it is given, and
/// prints nothing itself.
#[test]
fn the_library_reports_fetch_progress_and_retries_to_its_observer() {
    use citecheck::fetch::{FetchOptions, HttpConfig, Outcome};
    use citecheck::observer::{Event, Note, Stage};

    let server = Server::start(site());
    let manifest = format!(
        "{ARTICLE_HEAD}{}{}",
        source_toml("busy", "Busy page", &server.url("/busy")),
        source_toml("notes", "Harbour notes", &server.url("/notes.txt")),
    );
    let (_dir, root) = corpus(
        Some(&manifest),
        &[("harbour.txt", &harbour_article(&server))],
    );
    let corpus = citecheck::Corpus::load(&root).unwrap();
    let options = FetchOptions {
        http: HttpConfig {
            allow_private: true,
            delay: Duration::ZERO,
            ..HttpConfig::default()
        },
        ..FetchOptions::default()
    };
    let events = Mutex::new(Vec::new());
    let observer = |e: &Event| {
        let line = match e {
            Event::Progress {
                stage: Stage::Fetching,
                done,
                total,
                ..
            } => format!("progress {done}/{total}"),
            Event::Note(Note::Retrying { url, status, .. }) => format!("retry {status} {url}"),
            other => other.to_string(),
        };
        events.lock().unwrap().push(line);
    };
    let report = citecheck::fetch::fetch(&corpus, &options, &observer).unwrap();
    assert_eq!(report.count(Outcome::Fetched), 2, "{report:?}");

    let events = events.into_inner().unwrap();
    assert_eq!(events.first().map(String::as_str), Some("progress 0/2"));
    assert_eq!(events.last().map(String::as_str), Some("progress 2/2"));
    assert!(
        events.contains(&format!("retry 503 {}", server.url("/busy"))),
        "{events:?}"
    );
}

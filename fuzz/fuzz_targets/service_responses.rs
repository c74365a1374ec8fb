//! Whole answers through the client's one request path, on a loopback server
//! that answers with the fuzzer's bytes: each service call (Secrets API 2.0,
//! Unity Catalog secrets and their paged listings, grants) and an OAuth token
//! request (discovery, then the token endpoint) classifies any status and
//! body into a value or an error whose text is inert and capped.
//!
//! Input: byte 0 picks the call, bytes 1-2 the status, the rest is the body.
#![no_main]

use std::io::{Read, Write};
use std::net::TcpListener;
use std::sync::{Arc, Mutex, OnceLock};
use std::time::Duration;

use dbsecrets::terminal::is_terminal_control;
use dbsecrets_client::auth::{Discovery, OAuthM2m, StaticHeader, TokenSource};
use dbsecrets_client::http::Http;
use dbsecrets_client::names::UcName;
use dbsecrets_client::{Client, NoEvents, Settings};
use libfuzzer_sys::fuzz_target;

/// The answer the loopback server gives next: status and body.
static REPLY: Mutex<(u16, Vec<u8>)> = Mutex::new((200, Vec::new()));

struct World {
    url: String,
    rt: tokio::runtime::Runtime,
    client: Client,
    oauth: OAuthM2m,
    http: Http,
}

fn world() -> &'static World {
    static WORLD: OnceLock<World> = OnceLock::new();
    WORLD.get_or_init(|| {
        let listener = TcpListener::bind("127.0.0.1:0").unwrap();
        let url = format!("http://{}", listener.local_addr().unwrap());
        let base = url.clone();
        std::thread::spawn(move || {
            for conn in listener.incoming() {
                let Ok(mut conn) = conn else { continue };
                let mut head = Vec::new();
                let mut byte = [0u8; 1];
                while !head.ends_with(b"\r\n\r\n") && conn.read(&mut byte).unwrap_or(0) == 1 {
                    head.push(byte[0]);
                }
                let head = String::from_utf8_lossy(&head);
                let len: usize = head
                    .lines()
                    .find_map(|l| l.to_ascii_lowercase().strip_prefix("content-length:").map(|v| v.trim().parse().unwrap_or(0)))
                    .unwrap_or(0);
                let mut body = vec![0; len];
                let _ = conn.read_exact(&mut body);
                let (status, reply) = if head.contains("/.well-known/") {
                    (200, format!(r#"{{"token_endpoint": "{base}/oidc/v1/token"}}"#).into_bytes())
                } else {
                    REPLY.lock().unwrap().clone()
                };
                let _ = conn.write_all(
                    format!("HTTP/1.1 {status} X\r\nContent-Length: {}\r\nConnection: close\r\n\r\n", reply.len()).as_bytes(),
                );
                let _ = conn.write_all(&reply);
            }
        });
        let mut settings = Settings::new(url.clone());
        // One attempt: a retry would only wait.
        settings.retry_timeout = Duration::ZERO;
        settings.connect_retry_timeout = Duration::ZERO;
        settings.timeout = Duration::from_secs(5);
        settings.rate_limit = 1e9;
        let rt = tokio::runtime::Builder::new_current_thread().enable_all().build().unwrap();
        let (client, http) = rt.block_on(async {
            let client = Client::new(
                settings.clone(),
                Box::new(StaticHeader::bearer(&"fuzz-token".to_string().into())),
                Arc::new(NoEvents),
            )
            .unwrap();
            let http = Http::new(&settings, true, Arc::new(NoEvents)).unwrap();
            (client, http)
        });
        let oauth = OAuthM2m::new(
            Discovery::new(&format!("{url}/oidc/.well-known/oauth-authorization-server"), "fuzz"),
            "sp-fuzz",
            "sp-secret".to_string().into(),
        );
        World { url, rt, client, oauth, http }
    })
}

#[track_caller]
fn check(what: &str, shown: String) {
    assert!(!shown.chars().any(is_terminal_control), "{what}: {shown:?}");
    // A message of ours around a capped code and message from the server.
    assert!(shown.chars().count() < 1_000, "{what}: {} characters", shown.chars().count());
}

fuzz_target!(|data: &[u8]| {
    if data.len() < 3 {
        return;
    }
    let w = world();
    let status = 100 + u16::from_be_bytes([data[1], data[2]]) % 500;
    if (300..400).contains(&status) {
        return; // redirects need a Location: the transport's own tests cover them
    }
    *REPLY.lock().unwrap() = (status, data[3..].to_vec());
    let name = UcName::parse("main.app.k").unwrap();
    w.rt.block_on(async {
        let s = w.client.secrets();
        let uc = w.client.secrets_uc();
        let g = w.client.grants();
        let err = match data[0] % 10 {
            0 => s.list_scopes().await.err(),
            1 => s.list_secrets("s").await.err(),
            2 => s.list_acls("s").await.err(),
            3 => s.get_secret("s", "k").await.err(),
            4 => s.get_acl("s", "p").await.err(),
            5 => uc.get("main.app.k", true).await.err(),
            6 => uc.list_page(Some(("main", "app")), None, None).await.err(),
            7 => g.get(&name).await.err(),
            8 => g.get_effective(&name).await.err(),
            _ => w.oauth.fetch(&w.http).await.err().map(|e| {
                check("a sign-in error", e.message.clone());
                dbsecrets_client::Error::from(e)
            }),
        };
        if let Some(e) = err {
            check("an error", e.to_string());
        }
    });
    let _ = &w.url;
});

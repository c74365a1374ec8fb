//! Property tests of a hostile server (issue 15): whatever bytes it puts in
//! an error's `error_code` or message never reach an error's text unclean or
//! unbounded, a value it echoes back is masked, and no body it sends is held
//! in memory past the cap, whatever its size and framing.

use std::io::{Read, Write};
use std::sync::Arc;

use dbsecrets_client::error::parse_error_body;

/// The caps of `error::body` (100 and 300 characters).
const MAX_CODE_CHARS: usize = 100;
const MAX_MESSAGE_CHARS: usize = 300;
use dbsecrets_client::http::{echo_forms, mask_echoes, Http, SendFailure, MAX_RESPONSE_BYTES};
use dbsecrets_client::{Error, NoEvents, Settings};
use proptest::prelude::*;

/// Characters that drive a terminal or reorder what it shows.
fn drives_a_terminal(c: char) -> bool {
    c.is_control()
        || matches!(c, '\u{200e}' | '\u{200f}' | '\u{202a}'..='\u{202e}' | '\u{2066}'..='\u{2069}')
}

/// Server text: arbitrary, with escape sequences and direction overrides mixed in.
fn server_text() -> impl Strategy<Value = String> {
    let piece = prop_oneof![
        any::<String>(),
        Just("\u{1b}[2J\u{1b}]0;owned\u{7}".to_string()),
        Just("\u{9b}31m\u{202e}\u{2066}\r\n\t".to_string()),
        (0usize..5000).prop_map(|n| "E".repeat(n)),
    ];
    prop::collection::vec(piece, 0..4).prop_map(|p| p.concat())
}

fn check_error_text(e: &Error) {
    let shown = e.to_string();
    assert!(!shown.chars().any(drives_a_terminal), "{shown:?}");
    assert!(
        shown.chars().count() <= MAX_CODE_CHARS + MAX_MESSAGE_CHARS + 40,
        "{} characters",
        shown.chars().count()
    );
}

proptest! {
    #![proptest_config(ProptestConfig { cases: 256, ..ProptestConfig::default() })]

    #[test]
    fn error_codes_and_messages_are_inert_and_capped(
        status in 400u16..600,
        code in server_text(),
        message in server_text(),
        numeric in any::<bool>(),
    ) {
        let body = if numeric {
            serde_json::json!({"error_code": status, "message": message})
        } else {
            serde_json::json!({"error_code": code, "message": message})
        };
        for bytes in [
            body.to_string().into_bytes(),
            serde_json::json!({"error": code, "error_description": message}).to_string().into_bytes(),
            format!("{code}: {message}").into_bytes(),
            message.clone().into_bytes(),
        ] {
            let (c, m) = parse_error_body(&bytes);
            if let Some(c) = &c {
                prop_assert!(c.chars().count() <= MAX_CODE_CHARS + 1);
            }
            if let Some(m) = &m {
                prop_assert!(m.chars().count() <= MAX_MESSAGE_CHARS + 1);
            }
            check_error_text(&Error::status(status, c, m));
        }
    }

    #[test]
    fn an_echoed_value_is_masked(
        value in "Zq[a-z0-9 '\"\\\\]{4,30}",
        before in "[ -~]{0,20}",
        after in "[ -~]{0,20}",
    ) {
        let sent = serde_json::json!({"scope": "s", "key": "k", "string_value": value});
        let forms = echo_forms(&sent);
        // Quoted back in a JSON message, and as plain text.
        let json = serde_json::json!({"error_code": "BAD", "message": format!("{before}{value}{after}")});
        for body in [json.to_string(), format!("INTERNAL: {before}{value}{after}")] {
            let masked = mask_echoes(body.as_bytes(), &forms);
            let (c, m) = parse_error_body(&masked);
            let shown = Error::status(400, c, m).to_string();
            prop_assert!(!shown.contains(value.trim()), "{shown:?}");
        }
    }
}

/// How a scripted body is framed on the wire.
#[derive(Debug, Clone, Copy)]
enum Framing {
    ContentLength,
    Chunked,
    UntilClose,
}

/// Serves one response of `len` bytes, framed as asked, on 127.0.0.1.
fn serve_once(len: usize, framing: Framing) -> String {
    let listener = std::net::TcpListener::bind("127.0.0.1:0").unwrap();
    let url = format!("http://{}", listener.local_addr().unwrap());
    std::thread::spawn(move || {
        let (mut conn, _) = listener.accept().unwrap();
        let mut buf = [0u8; 4096];
        let _ = conn.read(&mut buf);
        let head = match framing {
            Framing::ContentLength => format!("HTTP/1.1 200 OK\r\nContent-Length: {len}\r\n\r\n"),
            Framing::Chunked => "HTTP/1.1 200 OK\r\nTransfer-Encoding: chunked\r\n\r\n".into(),
            Framing::UntilClose => "HTTP/1.1 200 OK\r\nConnection: close\r\n\r\n".into(),
        };
        if conn.write_all(head.as_bytes()).is_err() {
            return;
        }
        let block = vec![b'x'; 256 * 1024];
        let mut left = len;
        while left > 0 {
            let n = left.min(block.len());
            let ok = match framing {
                Framing::Chunked => conn
                    .write_all(format!("{n:x}\r\n").as_bytes())
                    .and_then(|()| conn.write_all(&block[..n]))
                    .and_then(|()| conn.write_all(b"\r\n")),
                _ => conn.write_all(&block[..n]),
            };
            if ok.is_err() {
                return; // the client stopped reading: as it should past the cap
            }
            left -= n;
        }
        if matches!(framing, Framing::Chunked) {
            let _ = conn.write_all(b"0\r\n\r\n");
        }
    });
    url
}

proptest! {
    #![proptest_config(ProptestConfig { cases: 12, ..ProptestConfig::default() })]

    #[test]
    fn no_body_is_read_past_the_cap(
        len in prop_oneof![
            Just(MAX_RESPONSE_BYTES),
            Just(MAX_RESPONSE_BYTES + 1),
            0usize..2 * MAX_RESPONSE_BYTES,
        ],
        framing in prop_oneof![
            Just(Framing::ContentLength),
            Just(Framing::Chunked),
            Just(Framing::UntilClose),
        ],
    ) {
        let url = serve_once(len, framing);
        let rt = tokio::runtime::Builder::new_current_thread().enable_all().build().unwrap();
        let got = rt.block_on(async {
            let http = Http::new(&Settings::new(url.clone()), false, Arc::new(NoEvents)).unwrap();
            let req = http.client().get(format!("{url}/api/2.0/secrets/scopes/list")).build().unwrap();
            http.send(req, None, "test").await
        });
        match got {
            Ok(resp) => {
                prop_assert!(len <= MAX_RESPONSE_BYTES, "{len} bytes read whole");
                prop_assert_eq!(resp.body.len(), len);
            }
            Err(SendFailure::TooLarge { .. }) => prop_assert!(len > MAX_RESPONSE_BYTES, "{len}"),
            Err(other) => prop_assert!(false, "{len} {framing:?}: {other:?}"),
        }
    }
}

//! The client against small loopback HTTP servers written here: what the
//! Python tests cannot arrange with a real OpenBao (a server that never
//! answers, a garbled reply). The real-server tests live in tests/test_vault.py.

use super::*;
use std::io::{BufRead, BufReader, Write};
use std::net::TcpListener;
use std::sync::mpsc;
use std::thread;
use std::time::Instant;

const TOKEN: &str = "s.TESTTOKENabcdefghijklmnop";

fn token() -> SecretString {
    SecretString::from(TOKEN.to_string())
}

fn client(address: &str, timeout: Duration) -> Vault {
    Vault::new(&Config {
        address: address.to_string(),
        timeout,
        ..Config::default()
    })
    .unwrap()
}

/// Serve one canned `(status, body)` per request, chosen by the request
/// line; returns the address and the request lines received.
fn serve(
    answers: Vec<(&'static str, u16, &'static str)>,
) -> (String, mpsc::Receiver<(String, Vec<String>)>) {
    let listener = TcpListener::bind("127.0.0.1:0").unwrap();
    let address = format!("http://{}", listener.local_addr().unwrap());
    let (tx, rx) = mpsc::channel();
    thread::spawn(move || {
        for stream in listener.incoming() {
            let Ok(mut stream) = stream else { return };
            let mut reader = BufReader::new(stream.try_clone().unwrap());
            let mut request_line = String::new();
            reader.read_line(&mut request_line).unwrap();
            let mut headers = Vec::new();
            let mut length = 0usize;
            loop {
                let mut line = String::new();
                reader.read_line(&mut line).unwrap();
                let line = line.trim_end().to_string();
                if line.is_empty() {
                    break;
                }
                if let Some(v) = line.to_ascii_lowercase().strip_prefix("content-length:") {
                    length = v.trim().parse().unwrap();
                }
                headers.push(line);
            }
            let mut body = vec![0; length];
            std::io::Read::read_exact(&mut reader, &mut body).unwrap();
            let (status, text) = answers
                .iter()
                .find(|(prefix, _, _)| request_line.contains(prefix))
                .map(|(_, s, t)| (*s, *t))
                .unwrap_or((404, "{\"errors\":[]}"));
            let _ = tx.send((request_line.trim_end().to_string(), headers));
            let reply = format!(
                // One request per connection: say so, or the client may reuse a
                // connection this server has already closed (a reset, now and then).
                "HTTP/1.1 {status} X\r\nContent-Type: application/json\r\nContent-Length: {}\r\nConnection: close\r\n\r\n{text}",
                text.len()
            );
            stream.write_all(reply.as_bytes()).unwrap();
        }
    });
    (address, rx)
}

#[test]
fn addresses_https_anywhere_http_only_on_loopback() {
    for ok in [
        "https://vault.example.com",
        "https://vault.example.com:8200/",
        "http://127.0.0.1:8200",
        "http://127.9.9.9",
        "HTTP://LOCALHOST:8200",
        "http://[::1]:8200",
        "https://[2001:db8::1]:8200/proxy/",
    ] {
        assert!(Address::parse(ok).is_ok(), "{ok}");
    }
    for refused in [
        "http://vault.invalid:8200",
        "http://10.0.0.1",
        "http://[2001:db8::1]",
        "http://localhost.evil.invalid",
        "http://127.0.0.1.nip.invalid",
        // Loopback only through a resolver or a lenient parser: refused.
        "http://localhost.:8200",
        "http://localhost.localdomain:8200",
        "http://127.1:8200",
        "http://0x7f.1:8200",
        "http://0x7f000001:8200",
        "http://2130706433:8200",
        "http://0177.0.0.1:8200",
        "http://127.000.000.001:8200",
        "http://127.0.0.1.:8200",
        "http://[::ffff:127.0.0.1]:8200",
        "http://[::ffff:7f00:1]:8200",
        "http://[::1%25lo]:8200",
        "http://xn--lcalhost-9za:8200",
        "http://l\u{f6}calhost:8200",
        "http://\u{ff4c}\u{ff4f}\u{ff43}\u{ff41}\u{ff4c}\u{ff48}\u{ff4f}\u{ff53}\u{ff54}:8200",
        "http://localhost:8200:1",
        "http://:8200",
        "http://",
    ] {
        let err = Address::parse(refused).unwrap_err();
        assert!(
            err.to_string()
                .contains("refusing to send a Vault token over plain HTTP"),
            "{refused}: {err}"
        );
        assert!(matches!(
            err,
            Error::Vault {
                kind: VaultFailure::Insecure,
                ..
            }
        ));
    }
    for bad in [
        "vault.example.com",
        "ftp://x",
        "https://",
        "https://a:99999",
        "https://a b",
        "https://h/?q",
    ] {
        let err = Address::parse(bad).unwrap_err();
        assert!(
            matches!(
                err,
                Error::Vault {
                    kind: VaultFailure::Config,
                    ..
                }
            ),
            "{bad}: {err}"
        );
    }
}

#[test]
fn plain_http_connects_only_to_the_literal_loopback_address() {
    let pinned = |text: &str| Address::parse(text).unwrap().pinned().unwrap();
    let v4: std::net::SocketAddr = "127.0.0.1:8200".parse().unwrap();
    let v6: std::net::SocketAddr = "[::1]:8200".parse().unwrap();
    assert_eq!(pinned("http://localhost:8200"), [v4, v6]);
    assert_eq!(pinned("http://LocalHost:8200/"), [v4, v6]);
    assert_eq!(pinned("http://127.0.0.1:8200"), [v4]);
    assert_eq!(pinned("http://[::1]:8200"), [v6]);
    assert_eq!(
        pinned("http://127.9.9.9"),
        ["127.9.9.9:80".parse::<std::net::SocketAddr>().unwrap()]
    );
    // HTTPS is resolved as usual; TLS checks the certificate's name.
    assert_eq!(
        Address::parse("https://localhost:8200").unwrap().pinned(),
        None
    );
}

#[test]
fn localhost_works_end_to_end_without_dns() {
    let (address, requests) = serve(vec![("/v1/secret/data/safekeys/K", 200, READ_K)]);
    let port = address.rsplit(':').next().unwrap();
    let v = client(&format!("http://localhost:{port}"), DEFAULT_TIMEOUT);
    let value = v.read(&token(), "K").unwrap().unwrap();
    assert_eq!(value.expose_secret(), "v");
    let (line, headers) = requests.recv().unwrap();
    assert!(line.starts_with("GET /v1/secret/data/safekeys/K"), "{line}");
    // The Host header keeps the name; only the socket's address is pinned.
    let host = format!("host: localhost:{port}");
    assert!(
        headers.iter().any(|h| h.to_ascii_lowercase() == host),
        "{headers:?}"
    );
}

const READ_K: &str = r#"{"data":{"data":{"value":"v"}}}"#;

#[test]
fn no_message_shows_user_info_query_or_fragment() {
    for (text, secret) in [
        ("user:PASSWORD1@vault.invalid:8200", "PASSWORD1"),
        ("ftp://u:PASSWORD2@vault.invalid", "PASSWORD2"),
        (
            "https://vault.invalid:8200/?token=s.QUERYTOKEN",
            "QUERYTOKEN",
        ),
        ("https://vault.invalid:8200/v1#s.FRAGTOKEN", "FRAGTOKEN"),
        ("http://u:PASS/WORD3@vault.invalid", "WORD3"),
        ("http://u:PASSWORD4@localhost:8200", "PASSWORD4"),
        ("http://vault.invalid/?token=s.HTTPTOKEN", "HTTPTOKEN"),
        ("https://u:PA?SS#WORD5@vault.invalid", "WORD5"),
    ] {
        let err = Address::parse(text).unwrap_err().to_string();
        assert!(!err.contains(secret), "{text}: {err}");
        assert!(!err.contains("u:"), "{text}: {err}");
        let err = Vault::new(&Config {
            address: text.to_string(),
            ..Config::default()
        })
        .unwrap_err()
        .to_string();
        assert!(!err.contains(secret), "{text}: {err}");
    }
    assert_eq!(
        address::redacted("https://u:p@h.invalid:1/base?token=t#f"),
        "https://h.invalid:1/base"
    );
}

fn leak(text: String) -> &'static str {
    Box::leak(text.into_boxed_str())
}

#[test]
fn a_reply_that_quotes_the_token_or_value_is_scrubbed() {
    let quoting = leak(format!("{{\"errors\":[\"token {TOKEN} is malformed\"]}}"));
    let value = "VALUE-s3cr3t-written";
    let echoing = leak(format!(
        "{{\"errors\":[\"1 error occurred:\\n\\t* cannot store {value} for {TOKEN}\"]}}"
    ));
    let (address, _requests) = serve(vec![
        ("GET /v1/secret/data/safekeys/K", 400, quoting),
        ("POST /v1/secret/data/safekeys/K", 500, echoing),
        ("POST /v1/auth/approle/login", 400, echoing),
    ]);
    let v = client(&address, DEFAULT_TIMEOUT);
    let err = v.read(&token(), "K").unwrap_err().to_string();
    assert!(!err.contains(TOKEN), "{err}");
    assert!(err.contains("token [redacted] is malformed"), "{err}");
    let secret = SecretString::from(value.to_string());
    let err = v.write(&token(), "K", &secret).unwrap_err().to_string();
    assert!(!err.contains(TOKEN) && !err.contains(value), "{err}");
    assert!(
        err.contains("cannot store [redacted] for [redacted]"),
        "{err}"
    );
    // AppRole sends no token but credentials: the role and secret ids.
    let secret_id = SecretString::from(TOKEN.to_string());
    let err = v
        .approle_login("approle", value, Some(&secret_id))
        .unwrap_err()
        .to_string();
    assert!(!err.contains(TOKEN) && !err.contains(value), "{err}");
}

#[test]
fn credentials_in_the_address_are_refused_without_echoing_them() {
    let err = Address::parse("https://admin:hunter2secret@vault.example.com").unwrap_err();
    assert!(!err.to_string().contains("hunter2secret"), "{err}");
}

#[test]
fn urls_keep_the_base_path() {
    let a = Address::parse("https://[::1]:8200/proxy/").unwrap();
    assert_eq!(
        a.url("v1/sys/health"),
        "https://[::1]:8200/proxy/v1/sys/health"
    );
    assert_eq!(a.to_string(), "https://[::1]:8200/proxy");
}

#[test]
fn paths_and_names() {
    let v = client("http://127.0.0.1:1", DEFAULT_TIMEOUT);
    assert_eq!(v.path(), "secret/safekeys");
    assert_eq!(
        v.secret_path("OPENAI_API_KEY").unwrap(),
        "secret/data/safekeys/OPENAI_API_KEY"
    );
    for bad in ["", "..", "a/b", "a b", "x?y"] {
        assert!(v.secret_path(bad).is_err(), "{bad:?}");
    }
    let v = Vault::new(&Config {
        address: "http://127.0.0.1:1".into(),
        path: Some("/kv/".into()),
        ..Config::default()
    })
    .unwrap();
    assert_eq!(v.secret_path("K").unwrap(), "kv/data/K");
    for bad in ["", "a/../b", "a b"] {
        let err = Vault::new(&Config {
            address: "http://127.0.0.1:1".into(),
            path: Some(bad.into()),
            ..Config::default()
        })
        .unwrap_err();
        assert!(err.to_string().contains("SAFEKEYS_VAULT_PATH"), "{err}");
    }
}

#[test]
fn a_missing_ca_bundle_is_a_config_error() {
    let err = Vault::new(&Config {
        address: "https://127.0.0.1:1".into(),
        ca_cert: Some("/nonexistent/ca.pem".into()),
        ..Config::default()
    })
    .unwrap_err();
    assert!(
        err.to_string().contains("VAULT_CACERT=/nonexistent/ca.pem"),
        "{err}"
    );
}

#[test]
fn a_closed_port_is_unreachable() {
    let port = {
        let l = TcpListener::bind("127.0.0.1:0").unwrap();
        l.local_addr().unwrap().port()
    };
    let v = client(&format!("http://127.0.0.1:{port}"), DEFAULT_TIMEOUT);
    let err = v.read(&token(), "K").unwrap_err();
    assert!(
        matches!(
            err,
            Error::Vault {
                kind: VaultFailure::Unreachable,
                ..
            }
        ),
        "{err}"
    );
    assert!(
        err.to_string().contains(&format!("127.0.0.1:{port}")),
        "{err}"
    );
}

#[test]
fn a_server_that_never_answers_times_out() {
    let listener = TcpListener::bind("127.0.0.1:0").unwrap();
    let address = format!("http://{}", listener.local_addr().unwrap());
    // Accept and hold the connection open, never answering.
    let holder = thread::spawn(move || listener.accept().map(|(s, _)| s));
    let v = client(&address, Duration::from_millis(400));
    let started = Instant::now();
    let err = v.read(&token(), "K").unwrap_err();
    assert!(
        matches!(
            err,
            Error::Vault {
                kind: VaultFailure::Timeout,
                ..
            }
        ),
        "{err}"
    );
    // Generous: the point is that it ends, not how fast.
    assert!(started.elapsed() < Duration::from_secs(10));
    drop(holder.join());
}

#[test]
fn reads_the_value_field_and_sends_the_headers() {
    let (address, seen) = serve(vec![(
        "/v1/secret/data/safekeys/K ",
        200,
        r#"{"data":{"data":{"value":"the-value-123","other":"x"},"metadata":{"version":3}}}"#,
    )]);
    let v = Vault::new(&Config {
        address,
        namespace: Some("team/a".into()),
        ..Config::default()
    })
    .unwrap();
    let value = v.read(&token(), "K").unwrap().unwrap();
    assert_eq!(value.expose_secret(), "the-value-123");
    let (line, headers) = seen.recv().unwrap();
    assert_eq!(line, "GET /v1/secret/data/safekeys/K HTTP/1.1");
    assert!(headers.iter().any(
        |h| h == &format!("x-vault-token: {TOKEN}") || h == &format!("X-Vault-Token: {TOKEN}")
    ));
    assert!(headers
        .iter()
        .any(|h| h.eq_ignore_ascii_case("x-vault-namespace: team/a")));
}

#[test]
fn missing_secret_or_field_is_none_and_a_non_string_is_an_error() {
    let (address, _seen) = serve(vec![
        (
            "/safekeys/NOFIELD ",
            200,
            r#"{"data":{"data":{"other":"x"}}}"#,
        ),
        (
            "/safekeys/NUMBER ",
            200,
            r#"{"data":{"data":{"value":123456789}}}"#,
        ),
    ]);
    let v = client(&address, DEFAULT_TIMEOUT);
    assert!(v.read(&token(), "MISSING").unwrap().is_none());
    assert!(v.read(&token(), "NOFIELD").unwrap().is_none());
    let err = v.read(&token(), "NUMBER").unwrap_err();
    assert!(err.to_string().contains("is not a string"), "{err}");
    assert!(!err.to_string().contains("123456789"), "{err}");
}

#[test]
fn a_403_is_told_apart_by_looking_up_the_token() {
    let denied = r#"{"errors":["1 error occurred:\n\t* permission denied\n\n"]}"#;
    let lookup = r#"{"data":{"id":"s.TESTTOKENabcdefghijklmnop","ttl":60,"renewable":true,"policies":["default","reader"]}}"#;
    let (address, _seen) = serve(vec![
        ("/safekeys/K ", 403, denied),
        ("lookup-self", 200, lookup),
    ]);
    let err = client(&address, DEFAULT_TIMEOUT)
        .read(&token(), "K")
        .unwrap_err();
    let text = err.to_string();
    assert!(
        text.starts_with("permission denied for path secret/data/safekeys/K (reading K)"),
        "{text}"
    );
    assert!(text.contains("default, reader"), "{text}");
    assert!(!text.contains(TOKEN) && !format!("{err:?}").contains(TOKEN));

    let (address, _seen) = serve(vec![
        ("/safekeys/K ", 403, denied),
        ("lookup-self", 403, r#"{"errors":["permission denied"]}"#),
    ]);
    let err = client(&address, DEFAULT_TIMEOUT)
        .read(&token(), "K")
        .unwrap_err();
    assert!(
        matches!(
            err,
            Error::Vault {
                kind: VaultFailure::TokenInvalid,
                ..
            }
        ),
        "{err}"
    );
    assert!(err.to_string().contains("while reading K"), "{err}");
}

#[test]
fn a_garbled_reply_is_a_protocol_error_that_quotes_nothing() {
    let (address, _seen) = serve(vec![(
        "lookup-self",
        200,
        r#"{"data":"s.LEAKED-IF-QUOTED"}"#,
    )]);
    let err = client(&address, DEFAULT_TIMEOUT)
        .lookup_self(&token())
        .unwrap_err();
    assert!(!err.to_string().contains("LEAKED"), "{err}");
}

#[test]
fn redirects_are_not_followed() {
    let (address, seen) = serve(vec![("/safekeys/K ", 307, "")]);
    let err = client(&address, DEFAULT_TIMEOUT)
        .read(&token(), "K")
        .unwrap_err();
    assert!(err.to_string().contains("redirected"), "{err}");
    assert_eq!(seen.try_iter().count(), 1);
}

#[test]
fn a_token_that_cannot_be_a_header_is_refused_without_echoing_it() {
    let v = client("http://127.0.0.1:1", DEFAULT_TIMEOUT);
    let err = v
        .read(
            &SecretString::from("bad token\nsecretpart".to_string()),
            "K",
        )
        .unwrap_err();
    assert!(!err.to_string().contains("secretpart"), "{err}");
}

#[test]
fn login_debug_hides_the_token() {
    let login = Login {
        token: token(),
        ttl: 1,
        renewable: false,
        policies: vec![],
    };
    assert!(!format!("{login:?}").contains(TOKEN));
}

#[test]
fn a_tls_failure_is_reported_as_tls() {
    // A plain-HTTP server behind an https:// address: the handshake fails.
    let listener = TcpListener::bind("127.0.0.1:0").unwrap();
    let https = format!("https://{}", listener.local_addr().unwrap());
    thread::spawn(move || {
        if let Ok((mut stream, _)) = listener.accept() {
            let mut hello = [0u8; 512];
            let _ = std::io::Read::read(&mut stream, &mut hello);
            let _ = stream.write_all(b"HTTP/1.1 400 Bad Request\r\nContent-Length: 0\r\n\r\n");
            thread::sleep(Duration::from_millis(500));
        }
    });
    let err = client(&https, DEFAULT_TIMEOUT)
        .read(&token(), "K")
        .unwrap_err();
    assert!(
        matches!(
            err,
            Error::Vault {
                kind: VaultFailure::Tls,
                ..
            }
        ),
        "{err}"
    );
    assert!(err
        .to_string()
        .starts_with("TLS with the Vault server at https://127.0.0.1:"));
}

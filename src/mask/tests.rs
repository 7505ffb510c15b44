use super::*;
use base64::engine::general_purpose::{STANDARD, URL_SAFE_NO_PAD};
use base64::Engine;

const KEY: &str = "sk-proj-Q7vLx2Rk9TbW4mZc8NpJ3hYf6DsGa1Ue";

fn masker(secrets: &[(&str, &str)]) -> Masker {
    let mut r = Masker::default();
    for (name, value) in secrets {
        r.add(name, value, "test").unwrap();
    }
    r
}

/// No run of 12 characters of `secret` in `text`.
fn no_run_of(text: &str, secret: &str) -> bool {
    let chars: Vec<char> = secret.chars().collect();
    chars.len() < 12
        || chars
            .windows(12)
            .all(|w| !text.contains(&w.iter().collect::<String>()))
}

#[test]
fn whole_secret_is_replaced_by_its_name() {
    let r = masker(&[("OPENAI_API_KEY", KEY)]);
    let out = r.snapshot().scrub(&format!("key is {KEY}!")).into_owned();
    assert_eq!(out, "key is [masked:OPENAI_API_KEY]!");
}

#[test]
fn fragments_of_twelve_or_more_are_masked() {
    let r = masker(&[("K", KEY)]);
    let m = r.snapshot();
    for piece in [&KEY[4..], &KEY[..KEY.len() - 3], &KEY[10..22]] {
        let out = m.scrub(piece);
        assert!(no_run_of(&out, KEY), "{out}");
        assert!(out.contains("[masked:K]"));
    }
    // Eleven characters are not a leak by the contract, and stay.
    assert_eq!(m.scrub(&KEY[10..21]), &KEY[10..21]);
}

#[test]
fn short_secrets_match_only_whole() {
    let r = masker(&[("PIN", "hunter2x")]);
    let m = r.snapshot();
    assert_eq!(m.scrub("pw=hunter2x;"), "pw=[masked:PIN];");
    assert_eq!(m.scrub("hunter2"), "hunter2");
    assert!(matches!(r.snapshot().scrub("abc"), Cow::Borrowed(_)));
    let mut r = Masker::default();
    assert_eq!(r.add("X", "12345", "t"), Err(Refusal::TooShort));
}

#[test]
fn encoded_forms_are_masked() {
    let odd = "Zq9+/<&>\"'\\é-ÅpLm_8Xw!~";
    let r = masker(&[("K", KEY), ("ODD", odd)]);
    let m = r.snapshot();
    for (secret, framed) in [
        (KEY, format!("Authorization: Bearer {KEY}\n")),
        (KEY, format!("user:{KEY}")),
        (KEY, format!("x{KEY}")),
        (odd, format!("ab{odd}")),
    ] {
        for encoded in [STANDARD.encode(&framed), URL_SAFE_NO_PAD.encode(&framed)] {
            let out = m.scrub(&encoded).into_owned();
            let core = variants::variants(secret);
            assert!(
                core.iter()
                    .skip(1)
                    .all(|v| v.len() < 12 || !out.contains(v.as_str())),
                "{encoded} -> {out}"
            );
            assert!(out.contains("[masked:"), "{encoded} -> {out}");
        }
    }
    let json = "\"Zq9+/<&>\\\"'\\\\\\u00e9-\\u00c5pLm_8Xw!~\"";
    assert_eq!(m.scrub(json), "\"[masked:ODD]\"");
    let html = "Zq9+/&lt;&amp;&gt;&quot;&#x27;\\é-ÅpLm_8Xw!~";
    assert_eq!(m.scrub(html), "[masked:ODD]");
    let pct = "Zq9%2B%2F%3C%26%3E%22%27%5C%C3%A9-%C3%85pLm_8Xw%21~";
    assert_eq!(m.scrub(pct), "[masked:ODD]");
    let repr = "'Zq9+/<&>\"\\'\\\\é-ÅpLm_8Xw!~'";
    assert_eq!(m.scrub(repr), "'[masked:ODD]'");
}

#[test]
fn multi_line_secrets_whole_and_by_line() {
    let pem = "-----BEGIN PRIVATE KEY-----\nMIIEvQIBADANBgkqhkiG9w0BAQEFAASC\nBKcwggSjAgEAAoIBAQC7VJTUt9Us8cKj\n-----END PRIVATE KEY-----";
    let r = masker(&[("PEM", pem)]);
    let m = r.snapshot();
    assert_eq!(m.scrub(pem), "[masked:PEM]");
    let out = m
        .scrub("line: BKcwggSjAgEAAoIBAQC7VJTUt9Us8cKj\n")
        .into_owned();
    assert_eq!(out, "line: [masked:PEM]\n");
}

#[test]
fn rendering_controls_cannot_smuggle_a_secret() {
    let r = masker(&[("K", KEY)]);
    let m = r.snapshot();
    for i in [3, 8, 11, 20, 30] {
        let sneaky = format!("{}X\u{8}{}", &KEY[..i], &KEY[i..]);
        let out = m.scrub(&sneaky).into_owned();
        assert!(
            no_run_of(&render::render(&out), KEY),
            "{sneaky:?} -> {out:?}"
        );
        let over = format!("{}\r{}", "x".repeat(5), KEY);
        assert!(no_run_of(&render::render(&m.scrub(&over)), KEY));
    }
}

#[test]
fn streams_split_anywhere_never_leak() {
    let r = masker(&[("K", KEY)]);
    let m = r.snapshot();
    let text = format!("before {KEY} middle {} after\n", &KEY[5..]);
    for a in 0..text.len() {
        for b in a..text.len() {
            let mut s = Stream::default();
            let mut out = s.feed(&m, &text[..a]).into_owned();
            out += &*s.feed(&m, &text[a..b]);
            out += &*s.feed(&m, &text[b..]);
            out += &s.flush(&m);
            assert!(no_run_of(&out, KEY), "split {a},{b}: {out}");
            assert_eq!(out, "before [masked:K] middle [masked:K] after\n");
        }
    }
}

#[test]
fn one_character_at_a_time() {
    let r = masker(&[("K", KEY)]);
    let m = r.snapshot();
    let mut s = Stream::default();
    let mut out = String::new();
    for c in format!("{KEY}\n").chars() {
        out += &*s.feed(&m, &c.to_string());
    }
    out += &s.flush(&m);
    assert_eq!(out, "[masked:K]\n");
}

#[test]
fn ordinary_text_is_released_at_once() {
    let r = masker(&[("K", KEY)]);
    let m = r.snapshot();
    let mut s = Stream::default();
    assert_eq!(s.feed(&m, "hello world\n"), "hello world\n");
    assert_eq!(s.pending_len(), 0);
}

#[test]
fn no_false_alarms_on_plain_text() {
    let r = masker(&[("K", KEY), ("B", "another-secret-value-123456")]);
    let m = r.snapshot();
    let text = "The quick brown fox jumps over the lazy dog. 0123456789 ".repeat(100);
    assert!(matches!(m.scrub(&text), Cow::Borrowed(_)));
}

#[test]
fn registry_lists_without_values() {
    let mut r = masker(&[("K", KEY)]);
    let info = &r.infos()[0];
    assert_eq!(info.length, KEY.len());
    assert!(info.fingerprint.starts_with("sha256:"));
    assert!(!format!("{info:?}").contains(&KEY[..12]));
    assert_eq!(r.remove_name("K"), 1);
    assert_eq!(r.snapshot().scrub(KEY), KEY);
}

/// What a frontend shows after joining a stream's messages.
fn shown(parts: &[String]) -> String {
    render::render(&parts.concat())
}

#[test]
fn backspace_across_writes_is_reconciled() {
    let r = masker(&[("K", KEY)]);
    let m = r.snapshot();
    let mut s = Stream::default();
    let mut sent = Vec::new();
    for piece in KEY.as_bytes().chunks(8) {
        let piece = std::str::from_utf8(piece).unwrap();
        sent.push(s.feed(&m, &format!("{piece}Z")).into_owned());
        sent.push(s.feed(&m, "\u{8}").into_owned());
    }
    sent.push(s.feed(&m, "\n").into_owned());
    sent.push(s.flush(&m));
    assert!(no_run_of(&shown(&sent), KEY), "{:?}", shown(&sent));
    assert!(no_run_of(&sent.concat(), KEY));
}

#[test]
fn carriage_return_across_writes_is_reconciled() {
    let r = masker(&[("K", KEY)]);
    let m = r.snapshot();
    let mut s = Stream::default();
    let mut sent = Vec::new();
    let mut start = KEY.len() - 8;
    loop {
        let piece = format!("{}{}", "#".repeat(start), &KEY[start..start + 8]);
        sent.push(s.feed(&m, &piece).into_owned());
        sent.push(s.feed(&m, "\r").into_owned());
        if start < 8 {
            break;
        }
        start -= 8;
    }
    sent.push(s.feed(&m, "\n").into_owned());
    sent.push(s.flush(&m));
    assert!(no_run_of(&shown(&sent), KEY), "{:?}", shown(&sent));
}

#[test]
fn colour_codes_inside_a_secret() {
    let r = masker(&[("K", KEY)]);
    let m = r.snapshot();
    let coloured: String = KEY
        .as_bytes()
        .chunks(6)
        .enumerate()
        .map(|(i, c)| format!("\u{1b}[3{}m{}", i % 7 + 1, std::str::from_utf8(c).unwrap()))
        .collect();
    assert!(no_run_of(&render::render(&m.scrub(&coloured)), KEY));
    let mut s = Stream::default();
    let sent = vec![
        s.feed(&m, &coloured).into_owned(),
        s.feed(&m, "\n").into_owned(),
        s.flush(&m),
    ];
    assert!(no_run_of(&shown(&sent), KEY));
}

#[test]
fn add_many_registers_all_with_one_rebuild() {
    let mut r = Masker::default();
    let values: Vec<String> = (0..200)
        .map(|i| format!("secret-value-number-{i:04}"))
        .collect();
    let items: Vec<(String, &str)> = values
        .iter()
        .map(|v| (format!("K{v}"), v.as_str()))
        .collect();
    let results = r.add_many(items.iter().map(|(n, v)| (n.as_str(), *v, "test")));
    assert!(results.iter().all(|r| *r == Ok(true)));
    assert_eq!(r.add("again", &values[3], "test"), Ok(false));
    assert_eq!(
        r.add_many([("x", "short", "t")]),
        vec![Err(Refusal::TooShort)]
    );
    let m = r.snapshot();
    assert_eq!(m.scrub(&values[150]), "[masked:Ksecret-value-number-0150]");
    assert_eq!(m.scrub(&values[3]), "[masked:again]");
    assert!(r.remove_value(&values[3]));
    assert_eq!(r.add("back", &values[3], "test"), Ok(true));
}

/// Deterministic pseudo-random key characters.
fn token(seed: u64, len: usize) -> String {
    const ALPHABET: &[u8] = b"ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789-_";
    let mut state = seed.wrapping_mul(0x9E37_79B9_7F4A_7C15) | 1;
    (0..len)
        .map(|_| {
            state ^= state << 13;
            state ^= state >> 7;
            state ^= state << 17;
            ALPHABET[(state % ALPHABET.len() as u64) as usize] as char
        })
        .collect()
}

#[test]
fn a_self_similar_secret_masks_a_longer_run_whole() {
    let secret = "a".repeat(4096);
    let r = masker(&[("A", &secret)]);
    assert_eq!(r.snapshot().scrub(&"a".repeat(10_000)), "[masked:A]");
    let framed = format!("x={}!", "a".repeat(5000));
    assert_eq!(r.snapshot().scrub(&framed), "x=[masked:A]!");
    assert_eq!(r.snapshot().scrub(&"a".repeat(11)), "a".repeat(11));
}

#[test]
fn a_long_secret_printed_is_masked_whole() {
    let secret = token(7, 256 * 1024);
    let r = masker(&[("BIG", &secret)]);
    let m = r.snapshot();
    assert_eq!(m.scrub(&format!("{secret}\n")), "[masked:BIG]\n");
    assert_eq!(m.scrub(&format!("'{secret}'")), "'[masked:BIG]'");
    let piece = &secret[100_000..100_012];
    assert_eq!(m.scrub(&format!("..{piece}..")), "..[masked:BIG]..");
}

#[test]
fn every_fragment_of_twelve_is_found_at_every_offset() {
    let secret = token(3, 200);
    let r = masker(&[("K", &secret)]);
    let m = r.snapshot();
    for start in 0..=secret.len() - 12 {
        for prefix in ["", "#", "#: ", "  \"!@#$%^&*"] {
            let text = format!("{prefix}{}~", &secret[start..start + 12]);
            assert_eq!(m.scrub(&text), format!("{prefix}[masked:K]~"), "at {start}");
        }
    }
}

#[test]
fn secrets_added_one_by_one_are_all_masked() {
    let mut r = Masker::default();
    let secrets: Vec<String> = (0..3000).map(|i| format!("sk-{}", token(i, 40))).collect();
    for (i, s) in secrets.iter().enumerate() {
        assert_eq!(r.add(&format!("K{i}"), s, "test"), Ok(true));
    }
    let m = r.snapshot();
    for (i, s) in secrets.iter().enumerate().step_by(7) {
        assert_eq!(m.scrub(&format!("<{s}>")), format!("<[masked:K{i}]>"));
        let b64 = STANDARD.encode(format!("Bearer {s}"));
        assert!(m.scrub(&b64).contains("[masked:"), "{b64}");
    }
    let text = "The quick brown fox jumps over the lazy dog. ".repeat(50);
    assert!(matches!(m.scrub(&text), Cow::Borrowed(_)));
}

#[test]
fn a_snapshot_in_use_is_not_changed_by_an_add() {
    let mut r = masker(&[("K", KEY)]);
    let before = r.snapshot();
    r.add("B", "another-secret-value-123456", "test").unwrap();
    assert_eq!(
        before.scrub("another-secret-value-123456"),
        "another-secret-value-123456"
    );
    assert_eq!(
        r.snapshot().scrub("another-secret-value-123456"),
        "[masked:B]"
    );
    assert_eq!(r.snapshot().scrub(KEY), "[masked:K]");
    r.add("K2", KEY, "test").unwrap();
    assert_eq!(before.scrub(KEY), "[masked:K]");
    assert_eq!(r.snapshot().scrub(KEY), "[masked:K2]");
}

/// A password with a quote, a backslash, non-ASCII and HTML/URL specials.
const PW: &str = "p\"a\\ss/wö<rd>&x%y";

#[test]
fn stacked_escapes_are_masked_whole() {
    // Produced with python3 3.11 from E = {json: json.dumps(x)[1:-1],
    // repr: repr(x)[1:-1], bytes_repr: repr(x.encode())[2:-1],
    // html: html.escape(x), percent: urllib.parse.quote(x, safe='')}
    // as E[second](E[first](PW)), for every pair.
    let cases = [
        ("json", "json", "p\\\\\\\"a\\\\\\\\ss/w\\\\u00f6<rd>&x%y"),
        ("json", "repr", "p\\\\\"a\\\\\\\\ss/w\\\\u00f6<rd>&x%y"),
        (
            "json",
            "bytes_repr",
            "p\\\\\"a\\\\\\\\ss/w\\\\u00f6<rd>&x%y",
        ),
        (
            "json",
            "html",
            "p\\&quot;a\\\\ss/w\\u00f6&lt;rd&gt;&amp;x%y",
        ),
        (
            "json",
            "percent",
            "p%5C%22a%5C%5Css%2Fw%5Cu00f6%3Crd%3E%26x%25y",
        ),
        ("repr", "json", "p\\\"a\\\\\\\\ss/w\\u00f6<rd>&x%y"),
        ("repr", "repr", "p\"a\\\\\\\\ss/wö<rd>&x%y"),
        ("repr", "bytes_repr", "p\"a\\\\\\\\ss/w\\xc3\\xb6<rd>&x%y"),
        ("repr", "html", "p&quot;a\\\\ss/wö&lt;rd&gt;&amp;x%y"),
        ("repr", "percent", "p%22a%5C%5Css%2Fw%C3%B6%3Crd%3E%26x%25y"),
        (
            "bytes_repr",
            "json",
            "p\\\"a\\\\\\\\ss/w\\\\xc3\\\\xb6<rd>&x%y",
        ),
        (
            "bytes_repr",
            "repr",
            "p\"a\\\\\\\\ss/w\\\\xc3\\\\xb6<rd>&x%y",
        ),
        (
            "bytes_repr",
            "bytes_repr",
            "p\"a\\\\\\\\ss/w\\\\xc3\\\\xb6<rd>&x%y",
        ),
        (
            "bytes_repr",
            "html",
            "p&quot;a\\\\ss/w\\xc3\\xb6&lt;rd&gt;&amp;x%y",
        ),
        (
            "bytes_repr",
            "percent",
            "p%22a%5C%5Css%2Fw%5Cxc3%5Cxb6%3Crd%3E%26x%25y",
        ),
        ("html", "json", "p&quot;a\\\\ss/w\\u00f6&lt;rd&gt;&amp;x%y"),
        ("html", "repr", "p&quot;a\\\\ss/wö&lt;rd&gt;&amp;x%y"),
        (
            "html",
            "bytes_repr",
            "p&quot;a\\\\ss/w\\xc3\\xb6&lt;rd&gt;&amp;x%y",
        ),
        (
            "html",
            "html",
            "p&amp;quot;a\\ss/wö&amp;lt;rd&amp;gt;&amp;amp;x%y",
        ),
        (
            "html",
            "percent",
            "p%26quot%3Ba%5Css%2Fw%C3%B6%26lt%3Brd%26gt%3B%26amp%3Bx%25y",
        ),
        ("percent", "json", "p%22a%5Css%2Fw%C3%B6%3Crd%3E%26x%25y"),
        ("percent", "repr", "p%22a%5Css%2Fw%C3%B6%3Crd%3E%26x%25y"),
        (
            "percent",
            "bytes_repr",
            "p%22a%5Css%2Fw%C3%B6%3Crd%3E%26x%25y",
        ),
        ("percent", "html", "p%22a%5Css%2Fw%C3%B6%3Crd%3E%26x%25y"),
        (
            "percent",
            "percent",
            "p%2522a%255Css%252Fw%25C3%25B6%253Crd%253E%2526x%2525y",
        ),
    ];
    let r = masker(&[("PW", PW)]);
    let m = r.snapshot();
    let forms = variants::variants(PW);
    for (first, second, escaped) in cases {
        assert!(
            forms.iter().any(|v| **v == escaped),
            "{second} of {first} is not a form: {escaped}"
        );
        assert_eq!(m.scrub(escaped), "[masked:PW]", "{second} of {first}");
        let framed = format!("{{\"body\": \"{escaped}\"}}");
        assert_eq!(m.scrub(&framed), "{\"body\": \"[masked:PW]\"}");
    }
}

#[test]
fn json_inside_json_and_the_json_of_a_bytes_repr() {
    let r = masker(&[("PW", PW)]);
    let m = r.snapshot();
    // json.dumps({"body": json.dumps({"password": PW})})
    let body =
        "{\"body\": \"{\\\"password\\\": \\\"p\\\\\\\"a\\\\\\\\ss/w\\\\u00f6<rd>&x%y\\\"}\"}";
    assert_eq!(
        m.scrub(body),
        "{\"body\": \"{\\\"password\\\": \\\"[masked:PW]\\\"}\"}"
    );
    // json.dumps({"log": repr(PW.encode())})
    let log = "{\"log\": \"b'p\\\"a\\\\\\\\ss/w\\\\xc3\\\\xb6<rd>&x%y'\"}";
    assert_eq!(m.scrub(log), "{\"log\": \"b'[masked:PW]'\"}");
}

#[test]
fn a_plain_key_has_no_stacked_forms() {
    // Nothing to escape: the forms are the key and its base64 at three
    // alignments (with no `+` or `/` in them the url-safe ones are the
    // same). Base64 of base64 (a .dockerconfigjson) is not among them: nine
    // more forms per key doubled the time to register 100,000 keys.
    assert_eq!(variants::variants(KEY).len(), 1 + 3);
}

#[test]
fn short_lines_of_a_multi_line_secret_are_not_masked_alone() {
    let secret = "first-line-of-the-secret-Q7vLx2\ntrue\n}\nshort1\nsecond-line-of-the-secret-9TbW";
    let r = masker(&[("ML", secret)]);
    let m = r.snapshot();
    assert_eq!(m.scrub("{\"ok\": true}"), "{\"ok\": true}");
    assert_eq!(m.scrub("}\nshort1\n"), "}\nshort1\n");
    assert_eq!(m.scrub(secret), "[masked:ML]");
    assert_eq!(
        m.scrub("x second-line-of-the-secret-9TbW y"),
        "x [masked:ML] y"
    );
    let forms = variants::variants(secret);
    assert!(!forms.iter().any(|v| **v == "true" || **v == "short1"));
}

fn pem_body() -> Vec<String> {
    (0..6).map(|i| token(100 + i, 64)).collect()
}

fn service_account() -> (String, String) {
    let mut pem = String::from("-----BEGIN PRIVATE KEY-----\n");
    for line in pem_body() {
        pem.push_str(&line);
        pem.push('\n');
    }
    pem.push_str("-----END PRIVATE KEY-----\n");
    let escaped = variants::json_escape(&pem, true);
    let json = format!(
        r#"{{
  "type": "service_account",
  "project_id": "my-project-123456",
  "private_key_id": "5f3c2b1a0e9d8c7b6a5f4e3d2c1b0a9f8e7d6c5b",
  "private_key": "{escaped}",
  "client_email": "robot@my-project-123456.iam.gserviceaccount.com",
  "client_id": "104242424242424242424",
  "auth_uri": "https://accounts.google.com/o/oauth2/auth",
  "token_uri": "https://oauth2.googleapis.com/token",
  "auth_provider_x509_cert_url": "https://www.googleapis.com/oauth2/v1/certs",
  "client_x509_cert_url": "https://www.googleapis.com/robot/v1/metadata/x509/robot%40my-project-123456.iam.gserviceaccount.com",
  "universe_domain": "googleapis.com"
}}
"#
    );
    (json, pem)
}

#[test]
fn a_service_account_key_masks_its_secrets_not_its_structure() {
    let (json, pem) = service_account();
    let r = masker(&[("GCP", &json)]);
    let m = r.snapshot();
    for ordinary in [
        "\"type\": \"service_account\",",
        "\"auth_uri\": \"https://accounts.google.com/o/oauth2/auth\",",
        "\"token_uri\": \"https://oauth2.googleapis.com/token\",",
        "\"client_email\": \"robot@my-project-123456.iam.gserviceaccount.com\",",
        "\"universe_domain\": \"googleapis.com\"\n}",
    ] {
        assert_eq!(m.scrub(ordinary), ordinary);
    }
    assert_eq!(m.scrub(&json), "[masked:GCP]");
    assert_eq!(
        m.scrub("id=5f3c2b1a0e9d8c7b6a5f4e3d2c1b0a9f8e7d6c5b"),
        "id=[masked:GCP]"
    );
    // The private key in every form: whole, a PEM line, base64, escaped.
    let shown = m.scrub(&pem).into_owned();
    for line in pem_body() {
        assert!(no_run_of(&shown, &line), "{shown}");
        assert_eq!(m.scrub(&format!(" {line} ")), " [masked:GCP] ");
    }
    let b64 = STANDARD.encode(&pem);
    let out = m.scrub(&b64).into_owned();
    assert!(
        out.contains("[masked:GCP]") && out.len() < b64.len() / 4,
        "{out}"
    );
    let escaped = variants::json_escape(&pem, true);
    assert_eq!(m.scrub(&escaped), "[masked:GCP]");
    // Reformatted (json.dumps(json.load(f)) keeps no layout): the members still go.
    let compact = json.replace("\n  ", "").replace(",\"", ", \"");
    let out = m.scrub(&compact).into_owned();
    assert!(out.contains("\"type\": \"service_account\""), "{out}");
    assert!(out.contains("\"private_key\": \"[masked:GCP]\""), "{out}");
    assert!(
        out.contains("\"private_key_id\": \"[masked:GCP]\""),
        "{out}"
    );
}

#[test]
fn a_json_object_without_secret_members_is_masked_as_any_secret() {
    let secret = "{\n  \"alpha\": \"first-plain-value-0001\",\n  \"beta\": true\n}";
    let r = masker(&[("CFG", secret)]);
    let m = r.snapshot();
    // Nothing tells which member is secret: every run of 12 is masked.
    assert_eq!(
        m.scrub("\"alpha\": \"first-plain-value-0001\""),
        "[masked:CFG]"
    );
    assert_eq!(m.scrub("{\"ok\": true}\n}"), "{\"ok\": true}\n}");
}

/// Registration speed at scale (the benchmark registers 100,000 keys):
/// `cargo test --release -- --ignored --nocapture registering_100k`.
#[test]
#[ignore]
fn registering_100k_plain_keys_is_fast() {
    let keys: Vec<String> = (0..100_000).map(|i| token(1_000_000 + i, 40)).collect();
    let names: Vec<String> = (0..keys.len()).map(|i| format!("K{i}")).collect();
    let forms: usize = keys
        .iter()
        .take(1000)
        .map(|k| variants::variants(k).len())
        .sum();
    let start = std::time::Instant::now();
    let mut r = Masker::default();
    let results = r.add_many(
        names
            .iter()
            .zip(&keys)
            .map(|(n, k)| (n.as_str(), k.as_str(), "bench")),
    );
    let secs = start.elapsed().as_secs_f64();
    assert!(results.iter().all(|r| *r == Ok(true)));
    // Peak resident memory of this test process, where Linux tells it.
    let peak = std::fs::read_to_string("/proc/self/status")
        .ok()
        .and_then(|s| {
            s.lines()
                .find(|l| l.starts_with("VmHWM"))
                .map(str::to_string)
        })
        .unwrap_or_default();
    println!(
        "100,000 random 40-char keys registered in {secs:.2} s ({:.2} forms each) {peak}",
        forms as f64 / 1000.0
    );
    let m = r.snapshot();
    assert_eq!(m.scrub(&keys[77_777]), "[masked:K77777]");
    // Generous: a regression to seconds per thousand keys would show.
    assert!(secs < 30.0, "{secs:.2} s");
}

/// A weird secret: quotes, a backslash, a space, non-ASCII, HTML and URL specials.
const WEIRD: &str = "Zq9\"Kd\\wö7<rT>&x%yPlm3ÅBv' 8/~";

#[test]
fn form_counts_stay_small() {
    // Run with --nocapture to see them. Each form costs its bytes in the
    // matcher, and a plain key is what 100,000 registered secrets are.
    let plain = token(9, 40);
    for (secret, most) in [
        (KEY, 4),
        (plain.as_str(), 4),
        (PW, 120),
        (WEIRD, 200),
        ("pässwörd-Ünïcode-Schlüssel-42", 60),
    ] {
        let forms = variants::variants(secret);
        let bytes: usize = forms.iter().map(|f| f.len()).sum();
        println!("{} forms, {bytes} bytes: {secret:?}", forms.len());
        assert!(forms.len() <= most, "{} forms for {secret:?}", forms.len());
    }
}

/// What a reader could decode from `text`: each run of base64 characters,
/// read from each of its first four characters (one is the right
/// alignment), decoded as far as it goes.
fn base64_readings(text: &str) -> Vec<String> {
    use base64::engine::{DecodePaddingMode, GeneralPurpose, GeneralPurposeConfig};
    let engine = GeneralPurpose::new(
        &base64::alphabet::STANDARD,
        GeneralPurposeConfig::new()
            .with_decode_padding_mode(DecodePaddingMode::Indifferent)
            .with_decode_allow_trailing_bits(true),
    );
    let mut out = Vec::new();
    for run in text.split(|c: char| !(c.is_ascii_alphanumeric() || c == '+' || c == '/')) {
        for start in 0..run.len().min(4) {
            let piece = &run[start..];
            // A last group of one character holds no byte.
            let piece = &piece[..piece.len() - usize::from(piece.len() % 4 == 1)];
            if let Ok(bytes) = engine.decode(piece) {
                out.push(String::from_utf8_lossy(&bytes).into_owned());
            }
        }
    }
    out
}

/// `base64_readings` of each reading of `text`, and those: two decodings deep.
fn readings_twice(text: &str) -> Vec<String> {
    let once = base64_readings(text);
    let mut all: Vec<String> = once.iter().flat_map(|t| base64_readings(t)).collect();
    all.extend(once);
    all.push(text.to_string());
    all
}

#[test]
fn base64_of_an_escaped_secret_is_masked() {
    // python3 -c 'import base64, json; W = "Zq9\"Kd\\wö7<rT>&x%yPlm3ÅBv\x27 8/~"
    // print(base64.b64encode(json.dumps({"pw": W}).encode()).decode())
    // print(base64.b64encode(json.dumps({"pw": W}, ensure_ascii=False).encode()).decode())
    // print(base64.b64encode(repr(W).encode()).decode())'
    // and the escaped text each holds (json.dumps(W)[1:-1], ..., repr(W)[1:-1]).
    let cases = [
        (
            "eyJwdyI6ICJacTlcIktkXFx3XHUwMGY2NzxyVD4meCV5UGxtM1x1MDBjNUJ2JyA4L34ifQ==",
            "Zq9\\\"Kd\\\\w\\u00f67<rT>&x%yPlm3\\u00c5Bv' 8/~",
        ),
        (
            "eyJwdyI6ICJacTlcIktkXFx3w7Y3PHJUPiZ4JXlQbG0zw4VCdicgOC9+In0=",
            "Zq9\\\"Kd\\\\wö7<rT>&x%yPlm3ÅBv' 8/~",
        ),
        (
            "J1pxOSJLZFxcd8O2NzxyVD4meCV5UGxtM8OFQnZcJyA4L34n",
            "Zq9\"Kd\\\\wö7<rT>&x%yPlm3ÅBv\\' 8/~",
        ),
    ];
    let r = masker(&[("W", WEIRD)]);
    let m = r.snapshot();
    for (shown, escaped) in cases {
        assert!(
            base64_readings(shown).iter().any(|t| t.contains(escaped)),
            "{shown} does not hold {escaped}"
        );
        let out = m.scrub(shown).into_owned();
        assert!(out.contains("[masked:W]"), "{out}");
        for reading in readings_twice(&out) {
            assert!(no_run_of(&reading, WEIRD), "{out} reads as {reading:?}");
            assert!(no_run_of(&reading, escaped), "{out} reads as {reading:?}");
        }
    }
}

#[test]
fn a_unicode_escape_bytes_repr_is_masked() {
    let secret = "pässwörd-Ünïcode-Schlüssel-42";
    let r = masker(&[("U", secret), ("W", WEIRD)]);
    let m = r.snapshot();
    // python3 -c 'S = "pässwörd-Ünïcode-Schlüssel-42"; print(repr(S.encode("unicode_escape")))'
    // (what a cell ending in S.encode("unicode_escape") shows)
    let shown = r"b'p\\xe4ssw\\xf6rd-\\xdcn\\xefcode-Schl\\xfcssel-42'";
    assert_eq!(m.scrub(shown), "b'[masked:U]'");
    // python3 -c '...; print(S.encode("unicode_escape").decode())'
    let printed = r"p\xe4ssw\xf6rd-\xdcn\xefcode-Schl\xfcssel-42";
    assert_eq!(m.scrub(printed), "[masked:U]");
    // python3 -c 'W = "Zq9\"Kd\\wö7<rT>&x%yPlm3ÅBv\x27 8/~"; print(repr(W.encode("unicode_escape")))'
    let shown = r#"b'Zq9"Kd\\\\w\\xf67<rT>&x%yPlm3\\xc5Bv\' 8/~'"#;
    assert_eq!(m.scrub(shown), "b'[masked:W]'");
}

//! Whole scans over real files in a temporary directory.

use super::*;
use std::fs;

const KEY: &str = "ghp_aB3dE5fG7hJ9kL1mN3pQ5rS7tU9vW1xY3z5A";

fn tmp(name: &str) -> PathBuf {
    let dir = std::env::temp_dir().join(format!("safekeys-scan-{name}-{}", std::process::id()));
    let _ = fs::remove_dir_all(&dir);
    fs::create_dir_all(&dir).unwrap();
    dir
}

fn quiet() -> Options {
    Options {
        dotenv: false,
        ..Options::default()
    }
}

#[test]
fn walks_respecting_gitignore_and_notes_odd_files() {
    let dir = tmp("walk");
    fs::write(dir.join(".gitignore"), "ignored/\n").unwrap();
    fs::create_dir(dir.join("ignored")).unwrap();
    fs::write(dir.join("ignored/a.py"), format!("k = '{KEY}'\n")).unwrap();
    fs::write(dir.join("b.py"), format!("\n  k = '{KEY}'\n")).unwrap();
    fs::write(dir.join("bin.dat"), b"\0\x01sk").unwrap();
    fs::write(dir.join("latin1.txt"), b"caf\xe9\n").unwrap();
    fs::write(dir.join("big.txt"), "x".repeat(2000)).unwrap();
    let options = Options {
        max_size: 1000,
        ..quiet()
    };
    let report = scan(std::slice::from_ref(&dir), &[], None, &options).unwrap();
    assert_eq!(report.findings.len(), 1);
    let f = &report.findings[0];
    assert_eq!((f.line, f.column, f.kind), (2, 8, "github-token"));
    assert_eq!(f.snippet, "k = '[masked:github-token]'");
    let kinds: Vec<_> = report.notes.iter().map(|n| n.kind).collect();
    assert!(
        kinds.contains(&"binary")
            && kinds.contains(&"too-large")
            && kinds.contains(&"invalid-utf8"),
        "{kinds:?}"
    );
    // Named explicitly, an ignored file is scanned.
    let report = scan(&[dir.join("ignored/a.py")], &[], None, &options).unwrap();
    assert_eq!(report.findings.len(), 1);
    fs::remove_dir_all(&dir).unwrap();
}

#[test]
fn dotenv_values_are_known_secrets() {
    let dir = tmp("dotenv");
    fs::write(
        dir.join(".env"),
        "DB_PASSWORD=correct-horse-battery\nDEBUG=true-or-false-whatever\n",
    )
    .unwrap();
    fs::write(
        dir.join("log.txt"),
        "pw: Y29ycmVjdC1ob3JzZS1iYXR0ZXJ5\ndebug: true-or-false-whatever\n",
    )
    .unwrap();
    let options = Options {
        cwd: Some(dir.clone()),
        ..Options::default()
    };
    let report = scan(std::slice::from_ref(&dir), &[], None, &options).unwrap();
    assert_eq!(report.findings.len(), 1, "{:?}", report.findings);
    assert_eq!(report.findings[0].name.as_deref(), Some("DB_PASSWORD"));
    assert!(report.notes.iter().any(|n| n.kind == "dotenv-source"));
    fs::remove_dir_all(&dir).unwrap();
}

#[test]
fn a_missing_path_is_an_error() {
    assert!(scan(
        &[PathBuf::from("/nonexistent/safekeys")],
        &[],
        None,
        &quiet()
    )
    .is_err());
}

#[test]
fn dotenv_files_and_templates() {
    assert!(walk::is_dotenv(Path::new("a/.env")));
    assert!(walk::is_dotenv(Path::new(".env.local")));
    assert!(!walk::is_dotenv(Path::new(".env.example")));
    assert!(!walk::is_dotenv(Path::new(".env.production.sample")));
    assert!(!walk::is_dotenv(Path::new("x.env")));
    let dir = tmp("templates");
    fs::write(
        dir.join(".env.local"),
        "API_SECRET=zz-local-secret-value-1\n",
    )
    .unwrap();
    fs::write(
        dir.join(".env.example"),
        format!("GITHUB_TOKEN={KEY}\nAPI_SECRET=\n"),
    )
    .unwrap();
    fs::write(dir.join("out.txt"), "echo zz-local-secret-value-1\n").unwrap();
    let options = Options {
        cwd: Some(dir.clone()),
        ..Options::default()
    };
    let report = scan(std::slice::from_ref(&dir), &[], None, &options).unwrap();
    let found: Vec<_> = report
        .findings
        .iter()
        .map(|f| (f.path.file_name().unwrap().to_str().unwrap(), f.label()))
        .collect();
    assert_eq!(
        found,
        vec![(".env.example", "github-token"), ("out.txt", "API_SECRET")]
    );
    fs::remove_dir_all(&dir).unwrap();
}

#[test]
fn a_file_longer_than_its_size_is_read_only_to_the_limit() {
    // /proc/self/pagemap stats as 0 bytes and reads as gigabytes.
    let pagemap = Path::new("/proc/self/pagemap");
    let mut probe = [0u8; 8];
    let readable = fs::File::open(pagemap)
        .and_then(|mut f| std::io::Read::read_exact(&mut f, &mut probe))
        .is_ok();
    if !readable {
        eprintln!("no readable /proc/self/pagemap here: skipped");
        return;
    }
    assert_eq!(fs::metadata(pagemap).unwrap().len(), 0);
    let options = Options {
        // pagemap refuses reads that are not whole 8-byte entries: 4095 + 1.
        max_size: 4095,
        ..quiet()
    };
    let report = scan(&[pagemap.to_path_buf()], &[], None, &options).unwrap();
    assert_eq!(report.files_scanned, 0);
    let kinds: Vec<_> = report.notes.iter().map(|n| n.kind).collect();
    assert_eq!(kinds, ["too-large"]);
    assert!(report.notes[0].message.contains("4095 byte limit"));
}

/// Random characters of `alphabet` from a fixed seed (splitmix64): keys of
/// real shape, never real keys.
fn generated(seed: &mut u64, alphabet: &str, n: usize) -> String {
    let alphabet = alphabet.as_bytes();
    (0..n)
        .map(|_| {
            *seed = seed.wrapping_add(0x9E37_79B9_7F4A_7C15);
            let mut z = *seed;
            z = (z ^ (z >> 30)).wrapping_mul(0xBF58_476D_1CE4_E5B9);
            z = (z ^ (z >> 27)).wrapping_mul(0x94D0_49BB_1331_11EB);
            char::from(alphabet[((z ^ (z >> 31)) % alphabet.len() as u64) as usize])
        })
        .collect()
}

#[test]
fn new_formats_are_reported_and_placeholders_are_not() {
    const ALNUM: &str = "ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789";
    const HEX: &str = "0123456789abcdef";
    let mut seed = 14;
    let groq = format!("gsk_{}", generated(&mut seed, ALNUM, 52));
    let cohere = generated(&mut seed, ALNUM, 40);
    let databricks = format!("dapi{}", generated(&mut seed, HEX, 32));
    let webhook = format!(
        "hooks.slack.com/services/T{}/B{}/{}",
        generated(&mut seed, "ABCDEFGHIJKLMNOPQRSTUVWXYZ0123456789", 8),
        generated(&mut seed, "ABCDEFGHIJKLMNOPQRSTUVWXYZ0123456789", 10),
        generated(&mut seed, ALNUM, 24)
    );
    let dir = tmp("formats");
    fs::write(
        dir.join("setup.py"),
        format!(
            "GROQ = '{groq}'\n\
             os.environ['COHERE_API_KEY'] = '{cohere}'\n\
             host_token = \"{databricks}\"\n\
             url = 'https://{webhook}'\n\
             # placeholders\n\
             AWS = 'AKIAXXXXXXXXXXXXXXXX'\n\
             AWS2 = 'AKIAABCDEFGHIJKLMNOP'\n\
             GOOGLE = 'AIzaSyabcdefghijklmnopqrstuvwxyz1234567'\n\
             SLACK = 'xoxb-Slack_BOT_TOKEN'\n\
             SLACK2 = 'xoxe.xoxp-1-RANDOMSTRINGHERE'\n\
             CLAUDE = 'sk-ant-api03-your-api-key-here'\n\
             hf_requiredCharacteristicTypesForDisplayMetadata = 1\n"
        ),
    )
    .unwrap();
    let report = scan(std::slice::from_ref(&dir), &[], None, &quiet()).unwrap();
    let found: Vec<_> = report.findings.iter().map(|f| (f.line, f.kind)).collect();
    assert_eq!(
        found,
        vec![
            (1, "groq-key"),
            (2, "cohere-key"),
            (3, "databricks-token"),
            (4, "slack-webhook-url")
        ]
    );
    fs::remove_dir_all(&dir).unwrap();
}

/// False positives on real code: `SAFEKEYS_FP_DIR=/path/to/site-packages
/// cargo test --release -- --ignored --nocapture real_code` lists every
/// format finding (kind and place, never the text).
#[test]
#[ignore]
fn real_code_findings() {
    let Some(dir) = std::env::var_os("SAFEKEYS_FP_DIR") else {
        return;
    };
    let report = scan(&[PathBuf::from(dir)], &[], None, &quiet()).unwrap();
    for f in &report.findings {
        eprintln!("{} {}:{}", f.kind, f.path.display(), f.line);
    }
    eprintln!(
        "{} findings in {} files, {} bytes",
        report.findings.len(),
        report.files_scanned,
        report.bytes_scanned
    );
}

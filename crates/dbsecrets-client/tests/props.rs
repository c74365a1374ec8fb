//! Property tests: arbitrary input never panics the config-file parser or any
//! parser of server responses, and parsed errors stay on one line.

use dbsecrets_client::config::{normalize_host, ConfigFile};
use dbsecrets_client::error::parse_error_body;
use dbsecrets_client::http::retry::parse_retry_after;
use dbsecrets_client::parse_body;
use dbsecrets_client::secrets::models::*;
use proptest::prelude::*;
use serde_json::Value;

/// Arbitrary JSON, biased towards the field names the API uses.
fn json() -> impl Strategy<Value = Value> {
    let leaf = prop_oneof![
        Just(Value::Null),
        any::<bool>().prop_map(Value::Bool),
        any::<i64>().prop_map(Value::from),
        any::<f64>().prop_map(|f| serde_json::Number::from_f64(f)
            .map(Value::Number)
            .unwrap_or(Value::Null)),
        ".{0,20}".prop_map(Value::String),
    ];
    let names = prop_oneof![
        Just("scopes".to_string()),
        Just("secrets".to_string()),
        Just("items".to_string()),
        Just("name".to_string()),
        Just("key".to_string()),
        Just("value".to_string()),
        Just("principal".to_string()),
        Just("permission".to_string()),
        Just("backend_type".to_string()),
        Just("keyvault_metadata".to_string()),
        Just("last_updated_timestamp".to_string()),
        Just("error_code".to_string()),
        Just("message".to_string()),
        "[a-z_]{1,8}",
    ];
    leaf.prop_recursive(4, 48, 6, move |inner| {
        prop_oneof![
            prop::collection::vec(inner.clone(), 0..6).prop_map(Value::Array),
            prop::collection::btree_map(names.clone(), inner, 0..6)
                .prop_map(|m| Value::Object(m.into_iter().collect())),
        ]
    })
}

fn all_parsers(bytes: &[u8]) {
    let _ = parse_body::<ListScopesResponse>(200, bytes);
    let _ = parse_body::<ListSecretsResponse>(200, bytes);
    let _ = parse_body::<ListAclsResponse>(200, bytes);
    let _ = parse_body::<AclItem>(200, bytes);
    let _ = parse_body::<Empty>(200, bytes);
    if let Err(e) = parse_body::<GetSecretResponse>(200, bytes) {
        let shown = e.to_string();
        assert!(!shown.contains('\n'));
    }
    let (code, message) = parse_error_body(bytes);
    for s in [code, message].into_iter().flatten() {
        assert!(!s.contains('\n'), "an error line is one line: {s:?}");
    }
}

proptest! {
    #![proptest_config(ProptestConfig { cases: 512, ..ProptestConfig::default() })]

    #[test]
    fn config_parser_never_panics(text in ".{0,400}") {
        let _ = ConfigFile::parse(&text);
    }

    #[test]
    fn config_parser_never_panics_on_ini_like_text(lines in prop::collection::vec(prop_oneof![
        "\\[[A-Za-z_ ]{0,10}\\]",
        "[a-zA-Z_]{1,10} ?= ?[ -~]{0,20}",
        "[#;].{0,10}",
        "[ \t]+[ -~]{0,10}",
        ".{0,20}",
    ], 0..20)) {
        let _ = ConfigFile::parse(&lines.join("\n"));
    }

    #[test]
    fn response_parsers_never_panic_on_bytes(bytes in prop::collection::vec(any::<u8>(), 0..300)) {
        all_parsers(&bytes);
    }

    #[test]
    fn response_parsers_never_panic_on_json(value in json()) {
        all_parsers(value.to_string().as_bytes());
        // Truncated at any point, too.
        let text = value.to_string();
        for cut in [text.len() / 3, text.len() / 2, text.len().saturating_sub(1)] {
            if text.is_char_boundary(cut) {
                all_parsers(&text.as_bytes()[..cut]);
            }
        }
    }

    #[test]
    fn retry_after_and_host_never_panic(s in ".{0,60}") {
        let _ = parse_retry_after(&s);
        let _ = normalize_host(&s);
    }
}

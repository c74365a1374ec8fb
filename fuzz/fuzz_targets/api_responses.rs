//! API answers, read as the client reads them: every model of the Secrets API
//! 2.0, Unity Catalog secrets and grants parses any bytes or fails cleanly;
//! an error body's `error_code` and message reach an error's text inert and
//! capped; and every string an answer holds, rendered as a listing in table
//! (plain and on a colour terminal), CSV and JSON, reaches output inert.
#![no_main]

use dbsecrets::output::{render, Body, Format, Rows, Style};
use dbsecrets::terminal::is_terminal_control;
use dbsecrets_client::error::parse_error_body;
use dbsecrets_client::grants::{EffectivePrivilegeAssignment, PrivilegeAssignment};
use dbsecrets_client::secrets::models::*;
use dbsecrets_client::{parse_ack, parse_body, secrets_uc, Error};
use libfuzzer_sys::fuzz_target;

fn strings(v: &serde_json::Value, out: &mut Vec<String>) {
    match v {
        serde_json::Value::String(s) => out.push(s.clone()),
        serde_json::Value::Array(items) => items.iter().for_each(|i| strings(i, out)),
        serde_json::Value::Object(map) => {
            for (k, v) in map {
                out.push(k.clone());
                strings(v, out);
            }
        }
        _ => {}
    }
}

#[track_caller]
fn assert_inert(what: &str, text: &str) {
    assert!(
        !text.chars().any(|c| c != '\n' && is_terminal_control(c)),
        "{what}: {text:?}"
    );
}

fuzz_target!(|data: &[u8]| {
    let status = 200;
    let _ = parse_body::<ListScopesResponse>(status, data);
    let _ = parse_body::<ListSecretsResponse>(status, data);
    let _ = parse_body::<ListAclsResponse>(status, data);
    let _ = parse_body::<AclItem>(status, data);
    let _ = parse_body::<GetSecretResponse>(status, data);
    let _ = parse_body::<secrets_uc::models::Secret>(status, data);
    let _ = parse_body::<secrets_uc::models::ListSecretsResponse>(status, data);
    let _ = parse_body::<Vec<PrivilegeAssignment>>(status, data);
    let _ = parse_body::<Vec<EffectivePrivilegeAssignment>>(status, data);
    let _ = parse_ack(status, data);
    if let Err(e) = parse_body::<GetSecretResponse>(status, data) {
        assert_inert("a parse error", &e.to_string());
    }

    // An error answer: its text is inert and capped, whatever the body.
    let (code, message) = parse_error_body(data);
    let shown = Error::status(400, code, message).to_string();
    assert_inert("an error", &shown);
    assert!(shown.chars().count() < 450, "{} characters", shown.chars().count());

    // Every string of a JSON answer, shown as a listing.
    let Ok(value) = serde_json::from_slice::<serde_json::Value>(data) else {
        return;
    };
    let mut cells = Vec::new();
    strings(&value, &mut cells);
    if cells.is_empty() {
        return;
    }
    let rows: Vec<serde_json::Value> = cells.iter().map(|c| serde_json::json!({ "name": c })).collect();
    let grid: Vec<Vec<String>> = cells.iter().map(|c| vec![c.clone()]).collect();
    let body = Body::Rows(Rows::custom(&rows, &["name"], grid.clone(), &["name"], grid));
    for style in [
        Style::default(),
        Style { terminal: true, color: true, width: Some(40) },
    ] {
        for format in [Format::Table, Format::Csv, Format::Json] {
            let out = render(&body, format, style).stdout;
            let text = String::from_utf8_lossy(&out).replace("\u{1b}[1m", "").replace("\u{1b}[0m", "");
            assert_inert(&format!("{format:?}"), &text);
        }
    }
});

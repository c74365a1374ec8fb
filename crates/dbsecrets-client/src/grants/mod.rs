//! Unity Catalog grants (uc-secrets.md §4): who holds which privileges on a
//! catalog, a schema or a secret, directly or inherited, and changes to them.
//!
//! Securable types and privileges are open strings: the official SDK's enums
//! lack `secret` and the secret privileges, and a server may send new ones.

use reqwest::Method;
use serde::{Deserialize, Serialize};

use crate::http::path_segment;
use crate::names::UcName;
use crate::{Client, Error};

impl Client {
    /// Unity Catalog grants.
    pub fn grants(&self) -> GrantsApi<'_> {
        GrantsApi { client: self }
    }
}

/// The Unity Catalog permissions API: `client.grants()`.
#[derive(Clone, Copy)]
pub struct GrantsApi<'a> {
    client: &'a Client,
}

/// A principal's privileges on a securable.
#[derive(Debug, Clone, Default, PartialEq, Eq, Serialize, Deserialize)]
pub struct PrivilegeAssignment {
    /// Empty for a deleted principal.
    #[serde(default)]
    pub principal: String,
    #[serde(default)]
    /// Privileges as the API spells them, e.g. `READ_SECRET`.
    pub privileges: Vec<String>,
}

/// A principal's privileges in force, with where each comes from.
#[derive(Debug, Clone, Default, PartialEq, Eq, Deserialize)]
pub struct EffectivePrivilegeAssignment {
    #[serde(default)]
    /// The principal (empty for a deleted one).
    pub principal: String,
    #[serde(default)]
    /// Each privilege in force.
    pub privileges: Vec<EffectivePrivilege>,
}

/// One privilege in force. `inherited_from_*` are absent for a privilege
/// granted on the securable itself.
#[derive(Debug, Clone, Default, PartialEq, Eq, Deserialize)]
pub struct EffectivePrivilege {
    #[serde(default)]
    /// As the API spells it, e.g. `READ_SECRET`.
    pub privilege: String,
    /// e.g. `SCHEMA` or `CATALOG`.
    #[serde(default)]
    pub inherited_from_type: Option<String>,
    #[serde(default)]
    /// The full name of the object it is granted on.
    pub inherited_from_name: Option<String>,
}

/// One change of a PATCH: privileges to add and to remove for a principal.
#[derive(Debug, Clone, Default, PartialEq, Eq, Serialize)]
pub struct PermissionsChange {
    #[serde(skip_serializing_if = "Vec::is_empty")]
    /// Privileges to grant.
    pub add: Vec<String>,
    /// Who the change is for.
    pub principal: String,
    #[serde(skip_serializing_if = "Vec::is_empty")]
    /// Privileges to revoke.
    pub remove: Vec<String>,
}

#[derive(Deserialize)]
struct Page<T> {
    #[serde(default = "Vec::new", alias = "effective_privilege_assignments")]
    privilege_assignments: Vec<T>,
    #[serde(default)]
    next_page_token: Option<String>,
}

impl GrantsApi<'_> {
    fn path(kind: &str, name: &UcName) -> String {
        format!(
            "/api/2.1/unity-catalog/{kind}/{}/{}",
            name.securable_type(),
            path_segment(&name.full_name())
        )
    }

    async fn pages<T: serde::de::DeserializeOwned>(&self, path: &str) -> Result<Vec<T>, Error> {
        let mut all = Vec::new();
        let mut token: Option<String> = None;
        let mut seen = std::collections::HashSet::new();
        loop {
            let query: Vec<(&str, &str)> = match &token {
                Some(t) => vec![("page_token", t.as_str())],
                None => Vec::new(),
            };
            let page: Page<T> = self.client.request(Method::GET, path, &query, None).await?;
            all.extend(page.privilege_assignments);
            match page.next_page_token.filter(|t| !t.is_empty()) {
                Some(next) if !seen.insert(next.clone()) => {
                    return Err(Error::invalid_response(
                        200,
                        "the server sent the same page token twice: the listing would never end",
                    ))
                }
                Some(next) => token = Some(next),
                None => return Ok(all),
            }
        }
    }

    /// `GET /api/2.1/unity-catalog/permissions/{type}/{full_name}`: the grants
    /// made on the securable itself (every page).
    pub async fn get(&self, name: &UcName) -> Result<Vec<PrivilegeAssignment>, Error> {
        self.pages(&Self::path("permissions", name)).await
    }

    /// `GET /api/2.1/unity-catalog/effective-permissions/{type}/{full_name}`:
    /// the privileges in force, inherited ones included.
    pub async fn get_effective(
        &self,
        name: &UcName,
    ) -> Result<Vec<EffectivePrivilegeAssignment>, Error> {
        self.pages(&Self::path("effective-permissions", name)).await
    }

    /// `PATCH /api/2.1/unity-catalog/permissions/{type}/{full_name}` with
    /// `{"changes": [...]}`: the grants on the securable afterwards.
    pub async fn update(
        &self,
        name: &UcName,
        changes: Vec<PermissionsChange>,
    ) -> Result<Vec<PrivilegeAssignment>, Error> {
        let body = serde_json::json!({ "changes": changes });
        let page: Page<PrivilegeAssignment> = self
            .client
            .request(
                Method::PATCH,
                &Self::path("permissions", name),
                &[],
                Some(&body),
            )
            .await?;
        Ok(page.privilege_assignments)
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn paths_name_the_securable_type() {
        let n = UcName::parse("Main.app.kü").unwrap();
        assert_eq!(
            GrantsApi::path("permissions", &n),
            "/api/2.1/unity-catalog/permissions/secret/main.app.k%C3%BC"
        );
        let s = UcName::parse("main.app").unwrap();
        assert_eq!(
            GrantsApi::path("effective-permissions", &s),
            "/api/2.1/unity-catalog/effective-permissions/schema/main.app"
        );
    }

    #[test]
    fn changes_leave_out_empty_lists() {
        let c = PermissionsChange {
            principal: "sp".into(),
            add: vec!["READ_SECRET".into()],
            remove: vec![],
        };
        assert_eq!(
            serde_json::to_string(&c).unwrap(),
            r#"{"add":["READ_SECRET"],"principal":"sp"}"#
        );
    }

    #[test]
    fn effective_pages_read_either_field_name() {
        let p: Page<EffectivePrivilegeAssignment> = serde_json::from_str(
            r#"{"effective_privilege_assignments":[{"principal":"a","privileges":[{"privilege":"READ_SECRET","inherited_from_type":"SCHEMA","inherited_from_name":"m.s"}]}]}"#,
        )
        .unwrap();
        assert_eq!(
            p.privilege_assignments[0].privileges[0]
                .inherited_from_name
                .as_deref(),
            Some("m.s")
        );
    }
}

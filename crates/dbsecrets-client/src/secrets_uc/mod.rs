//! Unity Catalog secrets (uc-secrets.md §2): `catalog.schema.secret`
//! securables, one method per endpoint of `/api/2.1/unity-catalog/secrets`.
//!
//! Names must be checked first ([`crate::names::UcName`]); they go into the
//! path percent-encoded ([`crate::http::path_segment`]). Failures are
//! classified by HTTP status (the secret-specific error codes are
//! unconfirmed): 404 is not found, 409 already exists, 403 permission denied.

pub mod models;

use reqwest::Method;
use secrecy::SecretString;

use self::models::{ListSecretsResponse, Secret, SecretFields};
use crate::http::path_segment;
use crate::{Client, Error};

const BASE: &str = "/api/2.1/unity-catalog/secrets";

/// Longest comment the service accepts, in characters (uc-secrets.md §6).
pub const MAX_COMMENT_CHARS: usize = 65_536;

/// A comment must be 1 to [`MAX_COMMENT_CHARS`] characters: the service
/// refuses an empty one (to have none, leave it out of a create, or clear
/// it with [`SecretUpdate::clear_comment`]).
pub fn check_comment(comment: &str) -> Result<(), Error> {
    let count = comment.chars().count();
    if count == 0 {
        return Err(Error::invalid_input(
            "the comment is empty: Unity Catalog comments are 1 to 65536 characters",
        ));
    }
    if count > MAX_COMMENT_CHARS {
        return Err(Error::invalid_input(format!(
            "the comment is {count} characters long; Unity Catalog accepts at most {MAX_COMMENT_CHARS}"
        )));
    }
    Ok(())
}

impl Client {
    /// Unity Catalog secrets.
    pub fn secrets_uc(&self) -> SecretsUcApi<'_> {
        SecretsUcApi { client: self }
    }
}

/// Unity Catalog secrets of one metastore, through one workspace: `client.secrets_uc()`.
#[derive(Clone, Copy)]
pub struct SecretsUcApi<'a> {
    client: &'a Client,
}

/// What a create sends besides the name: the value, and the optional fields.
#[derive(Debug, Default)]
pub struct NewSecret {
    /// The value: UTF-8 text, at most 60 KiB (see [`crate::names::uc_value`]).
    pub value: Option<SecretString>,
    /// A comment.
    pub comment: Option<String>,
    /// RFC 3339.
    pub expire_time: Option<String>,
    /// The owner (default: the caller).
    pub owner: Option<String>,
}

/// The fields an update may change; each one that is set is sent and named
/// in `update_mask`. `clear_expire_time` and `clear_comment` name the field
/// in the mask without sending a value, which clears it (field-mask
/// semantics: a named field absent from the body is reset).
#[derive(Debug, Default)]
pub struct SecretUpdate {
    /// A new value.
    pub value: Option<SecretString>,
    /// A new comment.
    pub comment: Option<String>,
    /// A new expiry (RFC 3339).
    pub expire_time: Option<String>,
    /// A new owner.
    pub owner: Option<String>,
    /// Remove the expiry (`expire_time` in the mask, absent from the body).
    pub clear_expire_time: bool,
    /// Remove the comment (`comment` in the mask, absent from the body).
    pub clear_comment: bool,
}

impl SecretUpdate {
    /// The `update_mask` paths, in a fixed order.
    pub fn mask(&self) -> Vec<&'static str> {
        let mut mask = Vec::new();
        if self.value.is_some() {
            mask.push("value");
        }
        if self.comment.is_some() || self.clear_comment {
            mask.push("comment");
        }
        if self.expire_time.is_some() || self.clear_expire_time {
            mask.push("expire_time");
        }
        if self.owner.is_some() {
            mask.push("owner");
        }
        mask
    }

    /// Whether nothing would change.
    pub fn is_empty(&self) -> bool {
        self.mask().is_empty()
    }
}

impl SecretsUcApi<'_> {
    /// `POST /api/2.1/unity-catalog/secrets` with a flat Secret body.
    pub async fn create(
        &self,
        catalog: &str,
        schema: &str,
        name: &str,
        fields: NewSecret,
    ) -> Result<Secret, Error> {
        let body = SecretFields {
            catalog_name: Some(catalog.to_string()),
            schema_name: Some(schema.to_string()),
            name: Some(name.to_string()),
            value: fields.value,
            comment: fields.comment,
            expire_time: fields.expire_time,
            owner: fields.owner,
        };
        let body = serde_json::to_value(&body).expect("a secret serializes");
        self.client
            .request(Method::POST, BASE, &[], Some(&body))
            .await
    }

    /// `GET /api/2.1/unity-catalog/secrets/{full_name}`; with `include_value`,
    /// `?include_value=true` and the value in `effective_value`.
    pub async fn get(&self, full_name: &str, include_value: bool) -> Result<Secret, Error> {
        let path = format!("{BASE}/{}", path_segment(full_name));
        let query: &[(&str, &str)] = if include_value {
            &[("include_value", "true")]
        } else {
            &[]
        };
        self.client.request(Method::GET, &path, query, None).await
    }

    /// One page of `GET /api/2.1/unity-catalog/secrets`: a schema's secrets
    /// (`schema` = (catalog, schema)), or every secret the caller may see.
    pub async fn list_page(
        &self,
        schema: Option<(&str, &str)>,
        page_size: Option<u32>,
        page_token: Option<&str>,
    ) -> Result<ListSecretsResponse, Error> {
        let size = page_size.map(|n| n.to_string());
        let mut query: Vec<(&str, &str)> = Vec::new();
        if let Some((catalog, schema)) = schema {
            query.push(("catalog_name", catalog));
            query.push(("schema_name", schema));
        }
        if let Some(size) = &size {
            query.push(("page_size", size));
        }
        if let Some(token) = page_token {
            query.push(("page_token", token));
        }
        self.client.request(Method::GET, BASE, &query, None).await
    }

    /// Every page of the listing, followed until `next_page_token` is absent
    /// or empty. A token seen twice ends the listing with an error rather than
    /// a loop.
    pub async fn list(
        &self,
        schema: Option<(&str, &str)>,
        page_size: Option<u32>,
    ) -> Result<Vec<Secret>, Error> {
        let mut all = Vec::new();
        let mut token: Option<String> = None;
        let mut seen = std::collections::HashSet::new();
        loop {
            let page = self.list_page(schema, page_size, token.as_deref()).await?;
            all.extend(page.secrets);
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

    /// `PATCH /api/2.1/unity-catalog/secrets/{full_name}?update_mask=…` with
    /// the fields that change (the mask is one comma-joined parameter).
    pub async fn update(&self, full_name: &str, update: SecretUpdate) -> Result<Secret, Error> {
        let mask = update.mask().join(",");
        if mask.is_empty() {
            return Err(Error::invalid_input(
                "nothing to update: give at least one field to change",
            ));
        }
        let body = SecretFields {
            value: update.value,
            comment: update.comment,
            expire_time: update.expire_time,
            owner: update.owner,
            ..SecretFields::default()
        };
        let body = serde_json::to_value(&body).expect("a secret serializes");
        let path = format!("{BASE}/{}", path_segment(full_name));
        self.client
            .request(Method::PATCH, &path, &[("update_mask", &mask)], Some(&body))
            .await
    }

    /// `DELETE /api/2.1/unity-catalog/secrets/{full_name}`.
    pub async fn delete(&self, full_name: &str) -> Result<(), Error> {
        let path = format!("{BASE}/{}", path_segment(full_name));
        self.client.send(Method::DELETE, &path, &[], None).await
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn comments_are_1_to_65536_characters() {
        assert!(check_comment("c").is_ok());
        assert!(check_comment(&"é".repeat(MAX_COMMENT_CHARS)).is_ok());
        for bad in [String::new(), "c".repeat(MAX_COMMENT_CHARS + 1)] {
            let e = check_comment(&bad).unwrap_err();
            assert_eq!(e.kind(), crate::ErrorKind::InvalidInput);
        }
    }

    #[test]
    fn update_masks_name_what_is_sent() {
        let u = SecretUpdate {
            value: Some(SecretString::from("v")),
            expire_time: Some("2027-01-01T00:00:00Z".into()),
            ..Default::default()
        };
        assert_eq!(u.mask(), ["value", "expire_time"]);
        let u = SecretUpdate {
            clear_expire_time: true,
            owner: Some("o".into()),
            ..Default::default()
        };
        assert_eq!(u.mask(), ["expire_time", "owner"]);
        let u = SecretUpdate {
            clear_comment: true,
            ..Default::default()
        };
        assert_eq!(u.mask(), ["comment"]);
        assert!(SecretUpdate::default().is_empty());
    }
}

//! Who the caller is, as the workspace says it: `client.current_user().me()`,
//! `GET /api/2.0/preview/scim/v2/Me` (the SDKs' `current_user.me()`).

use reqwest::Method;
use serde::Deserialize;

use crate::{Client, Error};

impl Client {
    /// The workspace's view of the signed-in principal.
    pub fn current_user(&self) -> CurrentUserApi<'_> {
        CurrentUserApi { client: self }
    }
}

/// `client.current_user()`.
#[derive(Clone, Copy)]
pub struct CurrentUserApi<'a> {
    client: &'a Client,
}

/// A user or service principal, as SCIM describes it (only what is read here).
#[derive(Debug, Clone, Default, Deserialize)]
#[non_exhaustive]
pub struct User {
    /// The workspace's id of the principal.
    #[serde(default)]
    pub id: Option<String>,
    /// A user's e-mail address, or a service principal's application id.
    #[serde(default, rename = "userName")]
    pub user_name: Option<String>,
    /// A name for people.
    #[serde(default, rename = "displayName")]
    pub display_name: Option<String>,
    /// Whether the principal is active.
    #[serde(default)]
    pub active: Option<bool>,
}

impl CurrentUserApi<'_> {
    /// `GET /api/2.0/preview/scim/v2/Me`.
    pub async fn me(&self) -> Result<User, Error> {
        self.client
            .request(Method::GET, "/api/2.0/preview/scim/v2/Me", &[], None)
            .await
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn scim_users_are_read_tolerantly() {
        let u: User = serde_json::from_str(
            r#"{"schemas":["x"],"id":"42","userName":"alice@example.com","displayName":"Alice","active":true,"emails":[]}"#,
        )
        .unwrap();
        assert_eq!(u.user_name.as_deref(), Some("alice@example.com"));
        assert_eq!(u.display_name.as_deref(), Some("Alice"));
        let u: User = serde_json::from_str("{}").unwrap();
        assert!(u.user_name.is_none());
    }
}

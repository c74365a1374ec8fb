//! Pages of a listing: how many items a page holds, and opaque page tokens.
//! A token encodes the last key a page returned (a full name, or a
//! principal); the next page starts after it, in sorted order.

use base64::Engine as _;

use crate::state::errors::ServiceError;

/// The most items any page holds.
pub const MAX_PAGE: usize = 1000;

/// Grants pages: smaller sizes are refused (so that a page can always hold
/// one principal's privileges whole).
const MIN_GRANTS_PAGE: i64 = 150;

const TOKEN_PREFIX: &str = "uc1:";

/// One page of a listing and, when more follow, the token for the next one.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct Page<T> {
    pub items: Vec<T>,
    pub next_page_token: Option<String>,
}

/// `page_size` of the secrets listing: unset or 0 → the largest page, more
/// than 0 → at most that many, less than 0 → 400.
pub(crate) fn secrets_page_size(page_size: Option<i64>, max: usize) -> Result<usize, ServiceError> {
    match page_size {
        None | Some(0) => Ok(max),
        Some(n) if n < 0 => Err(ServiceError::invalid(format!(
            "Invalid page_size {n}: it must not be negative."
        ))),
        Some(n) => Ok(usize::try_from(n).unwrap_or(usize::MAX).min(max)),
    }
}

/// `max_results` / `page_size` of a grants listing: 0 → the largest page,
/// 150 or more → at most that many; negative or 1 to 149 → 400.
pub(crate) fn grants_page_size(name: &str, n: i64, max: usize) -> Result<usize, ServiceError> {
    match n {
        0 => Ok(max),
        n if n >= MIN_GRANTS_PAGE => Ok(usize::try_from(n).unwrap_or(usize::MAX).min(max)),
        n => Err(ServiceError::invalid(format!(
            "Invalid {name} {n}: it must be 0 (the server's page size) or at least {MIN_GRANTS_PAGE}."
        ))),
    }
}

pub(crate) fn encode_token(last: &str) -> String {
    base64::engine::general_purpose::URL_SAFE_NO_PAD.encode(format!("{TOKEN_PREFIX}{last}"))
}

/// The key a token stands for; an empty token is no token.
pub(crate) fn decode_token(token: Option<&str>) -> Result<Option<String>, ServiceError> {
    let Some(token) = token.filter(|t| !t.is_empty()) else {
        return Ok(None);
    };
    base64::engine::general_purpose::URL_SAFE_NO_PAD
        .decode(token)
        .ok()
        .and_then(|bytes| String::from_utf8(bytes).ok())
        .and_then(|text| text.strip_prefix(TOKEN_PREFIX).map(str::to_string))
        .map(Some)
        .ok_or_else(|| {
            ServiceError::invalid(
                "Invalid page_token: pass the next_page_token of the previous page.",
            )
        })
}

/// The page of `items` (sorted by key, keys unique) after the token's key,
/// at most `size` long.
pub(crate) fn page<T>(
    items: Vec<(String, T)>,
    size: usize,
    token: Option<&str>,
) -> Result<Page<T>, ServiceError> {
    let after = decode_token(token)?;
    let mut rest = items
        .into_iter()
        .filter(|(key, _)| after.as_ref().is_none_or(|a| key > a))
        .peekable();
    let mut out = Vec::new();
    let mut last = None;
    while out.len() < size {
        let Some((key, item)) = rest.next() else {
            break;
        };
        out.push(item);
        last = Some(key);
    }
    let next_page_token = match (rest.peek(), last) {
        (Some(_), Some(last)) => Some(encode_token(&last)),
        _ => None,
    };
    Ok(Page {
        items: out,
        next_page_token,
    })
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::state::testing::code;
    use crate::state::ErrorCode;

    fn keys(n: usize) -> Vec<(String, usize)> {
        (0..n).map(|i| (format!("k{i:02}"), i)).collect()
    }

    #[test]
    fn pages_follow_each_other_until_the_end() {
        let first = page(keys(5), 2, None).unwrap();
        assert_eq!(first.items, [0, 1]);
        let second = page(keys(5), 2, first.next_page_token.as_deref()).unwrap();
        assert_eq!(second.items, [2, 3]);
        let third = page(keys(5), 2, second.next_page_token.as_deref()).unwrap();
        assert_eq!((third.items, third.next_page_token), (vec![4], None));
        // A page that ends exactly at the end has no token.
        let whole = page(keys(4), 4, None).unwrap();
        assert_eq!(whole.next_page_token, None);
        assert_eq!(
            page(keys(0), 4, Some("")).unwrap().items,
            Vec::<usize>::new()
        );
    }

    #[test]
    fn tokens_are_opaque_and_checked() {
        let token = encode_token("main.app.k");
        assert!(!token.contains("main"), "{token}");
        assert_eq!(
            decode_token(Some(&token)).unwrap().as_deref(),
            Some("main.app.k")
        );
        for bad in ["not a token", "bWFpbg", "%%%"] {
            assert_eq!(
                code(decode_token(Some(bad))),
                ErrorCode::InvalidParameterValue,
                "{bad}"
            );
        }
    }

    #[test]
    fn page_sizes() {
        assert_eq!(secrets_page_size(None, 1000).unwrap(), 1000);
        assert_eq!(secrets_page_size(Some(0), 7).unwrap(), 7);
        assert_eq!(secrets_page_size(Some(5000), 1000).unwrap(), 1000);
        assert_eq!(secrets_page_size(Some(3), 1000).unwrap(), 3);
        assert_eq!(
            code(secrets_page_size(Some(-1), 1000)),
            ErrorCode::InvalidParameterValue
        );
        assert_eq!(grants_page_size("max_results", 0, 1000).unwrap(), 1000);
        assert_eq!(grants_page_size("max_results", 150, 2).unwrap(), 2);
        assert_eq!(grants_page_size("page_size", 2000, 1000).unwrap(), 1000);
        for bad in [-1, 1, 149] {
            let e = grants_page_size("max_results", bad, 1000).unwrap_err();
            assert!(
                e.message.starts_with("Invalid max_results"),
                "{}",
                e.message
            );
        }
    }
}

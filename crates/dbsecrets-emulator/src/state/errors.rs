//! The errors the emulated service answers with: the `error_code` values and
//! the HTTP status each one goes with.

/// The `error_code` values the emulator answers with.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum ErrorCode {
    /// With 400, as the Secrets API 2.0 answers an existing scope.
    ResourceAlreadyExists,
    /// `RESOURCE_ALREADY_EXISTS` with 409, as Unity Catalog answers an
    /// existing secret.
    Conflict,
    ResourceDoesNotExist,
    InvalidParameterValue,
    ResourceLimitExceeded,
    PermissionDenied,
    BadRequest,
    MalformedRequest,
    Unauthenticated,
    EndpointNotFound,
    MethodNotAllowed,
    RequestLimitExceeded,
    /// The emulator's own: the contract names no code for a 413.
    RequestTooLarge,
    TemporarilyUnavailable,
    InternalError,
}

impl ErrorCode {
    /// The wire spelling of the code.
    pub fn as_str(self) -> &'static str {
        match self {
            Self::ResourceAlreadyExists | Self::Conflict => "RESOURCE_ALREADY_EXISTS",
            Self::ResourceDoesNotExist => "RESOURCE_DOES_NOT_EXIST",
            Self::InvalidParameterValue => "INVALID_PARAMETER_VALUE",
            Self::ResourceLimitExceeded => "RESOURCE_LIMIT_EXCEEDED",
            Self::PermissionDenied => "PERMISSION_DENIED",
            Self::BadRequest => "BAD_REQUEST",
            Self::MalformedRequest => "MALFORMED_REQUEST",
            Self::Unauthenticated => "UNAUTHENTICATED",
            Self::EndpointNotFound => "ENDPOINT_NOT_FOUND",
            Self::MethodNotAllowed => "METHOD_NOT_ALLOWED",
            Self::RequestLimitExceeded => "REQUEST_LIMIT_EXCEEDED",
            Self::RequestTooLarge => "REQUEST_TOO_LARGE",
            Self::TemporarilyUnavailable => "TEMPORARILY_UNAVAILABLE",
            Self::InternalError => "INTERNAL_ERROR",
        }
    }

    /// The HTTP status the real server pairs with the code.
    pub fn status(self) -> u16 {
        match self {
            Self::ResourceDoesNotExist | Self::EndpointNotFound => 404,
            Self::Unauthenticated => 401,
            Self::PermissionDenied => 403,
            Self::Conflict => 409,
            Self::MethodNotAllowed => 405,
            Self::RequestLimitExceeded => 429,
            Self::RequestTooLarge => 413,
            Self::InternalError => 500,
            Self::TemporarilyUnavailable => 503,
            _ => 400,
        }
    }
}

impl std::fmt::Display for ErrorCode {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.write_str(self.as_str())
    }
}

/// The error the emulated service answers with: the HTTP layer turns it into
/// `{"error_code", "message"}` with the code's status.
#[derive(Clone, Debug, PartialEq, Eq, thiserror::Error)]
#[error("{code}: {message}")]
pub struct ServiceError {
    pub code: ErrorCode,
    pub message: String,
}

impl ServiceError {
    pub fn new(code: ErrorCode, message: impl Into<String>) -> Self {
        Self {
            code,
            message: message.into(),
        }
    }

    pub(crate) fn invalid(message: impl Into<String>) -> Self {
        Self::new(ErrorCode::InvalidParameterValue, message)
    }

    pub(crate) fn not_found(message: impl Into<String>) -> Self {
        Self::new(ErrorCode::ResourceDoesNotExist, message)
    }

    pub(crate) fn bad_request(message: impl Into<String>) -> Self {
        Self::new(ErrorCode::BadRequest, message)
    }

    pub(crate) fn limit(message: impl Into<String>) -> Self {
        Self::new(ErrorCode::ResourceLimitExceeded, message)
    }
}

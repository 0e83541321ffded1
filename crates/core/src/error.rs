//! The one error type. Every layer returns it; the HTTP layer renders it once as
//! Gitea's `{"message","url"}` body with the matching status code.

use std::fmt;

#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum ErrorKind {
    /// 400: input the handler understood but refuses (token name taken, bad scope).
    BadRequest,
    /// 401: credentials missing or wrong.
    Unauthorized,
    /// 403: authenticated but not allowed.
    Forbidden,
    /// 404: absent, or present but invisible to the caller.
    NotFound,
    /// 405: a known path with another method.
    MethodNotAllowed,
    /// 408: the client stopped sending its request.
    RequestTimeout,
    /// 409: a name already taken.
    Conflict,
    /// 412: a request Gitea refuses as a failed precondition (an unknown issue state).
    PreconditionFailed,
    /// 413: request body too large.
    PayloadTooLarge,
    /// 414: a request target longer than the server reads.
    UriTooLong,
    /// 415: body in a content type we do not read.
    UnsupportedMediaType,
    /// 422: input that fails validation.
    Validation,
    /// 423: a write to an archived repository.
    Locked,
    /// 431: a header block larger than the server reads.
    HeadersTooLarge,
    /// 500: our fault; the detail goes to the log, not to the client.
    Internal,
}

impl ErrorKind {
    pub fn status(self) -> u16 {
        match self {
            ErrorKind::BadRequest => 400,
            ErrorKind::Unauthorized => 401,
            ErrorKind::Forbidden => 403,
            ErrorKind::NotFound => 404,
            ErrorKind::MethodNotAllowed => 405,
            ErrorKind::RequestTimeout => 408,
            ErrorKind::Conflict => 409,
            ErrorKind::PreconditionFailed => 412,
            ErrorKind::PayloadTooLarge => 413,
            ErrorKind::UriTooLong => 414,
            ErrorKind::UnsupportedMediaType => 415,
            ErrorKind::Validation => 422,
            ErrorKind::Locked => 423,
            ErrorKind::HeadersTooLarge => 431,
            ErrorKind::Internal => 500,
        }
    }
}

#[derive(Debug, Clone)]
pub struct Error {
    pub kind: ErrorKind,
    pub message: String,
    /// Gitea's not-found bodies carry an `errors` list (or null).
    pub errors: Option<Vec<String>>,
}

pub type Result<T, E = Error> = std::result::Result<T, E>;

impl Error {
    pub fn new(kind: ErrorKind, message: impl Into<String>) -> Self {
        Error {
            kind,
            message: message.into(),
            errors: None,
        }
    }
    pub fn bad_request(m: impl Into<String>) -> Self {
        Self::new(ErrorKind::BadRequest, m)
    }
    pub fn unauthorized(m: impl Into<String>) -> Self {
        Self::new(ErrorKind::Unauthorized, m)
    }
    pub fn forbidden(m: impl Into<String>) -> Self {
        Self::new(ErrorKind::Forbidden, m)
    }
    /// The plain `{"message":"not found",...,"errors":null}` answer.
    pub fn not_found() -> Self {
        Self::new(ErrorKind::NotFound, "not found")
    }
    pub fn not_found_msg(m: impl Into<String>) -> Self {
        Self::new(ErrorKind::NotFound, m)
    }
    pub fn conflict(m: impl Into<String>) -> Self {
        Self::new(ErrorKind::Conflict, m)
    }
    pub fn validation(m: impl Into<String>) -> Self {
        Self::new(ErrorKind::Validation, m)
    }
    pub fn internal(m: impl Into<String>) -> Self {
        Self::new(ErrorKind::Internal, m)
    }
    pub fn with_errors(mut self, errors: Vec<String>) -> Self {
        self.errors = Some(errors);
        self
    }
    pub fn is(&self, kind: ErrorKind) -> bool {
        self.kind == kind
    }
}

impl fmt::Display for Error {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        write!(f, "{:?}: {}", self.kind, self.message)
    }
}

impl std::error::Error for Error {}

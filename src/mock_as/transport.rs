//! The mock server as a [`Transport`]: the client cannot tell it from a remote server.

use std::cell::RefCell;
use std::rc::Rc;

use super::server::AuthorizationServer;
use crate::http::{Request, Response, Transport, TransportError};
use crate::jose::CryptoBackend;

/// A handle the client sends requests through; the UI keeps another to configure the server.
#[derive(Clone, Debug)]
pub struct InProcessTransport {
    server: Rc<RefCell<AuthorizationServer>>,
}

impl InProcessTransport {
    pub fn new(server: Rc<RefCell<AuthorizationServer>>) -> Self {
        Self { server }
    }

    pub fn server(&self) -> &Rc<RefCell<AuthorizationServer>> {
        &self.server
    }

    /// Answers synchronously; a re-entrant call (from inside the server) is a transport error,
    /// never a panic.
    pub fn send_now(&self, request: &Request) -> Result<Response, TransportError> {
        let mut server = self.server.try_borrow_mut().map_err(|_| busy())?;
        Ok(server.handle(request))
    }
}

impl Transport for InProcessTransport {
    async fn send(&self, request: Request) -> Result<Response, TransportError> {
        self.send_now(&request)
    }
}

/// The in-process server answering through `backend`: every check runs synchronously as with
/// [`InProcessTransport`], then the server's own JWTs (ID tokens, JARM responses) are signed
/// by `backend` — WebCrypto in the page, where one RS256 signature costs a tenth of the
/// pure-Rust one — with the server no longer borrowed.
///
/// Not for reproducible runs: WebCrypto's ECDSA and PSS signatures are randomised, so those use
/// [`InProcessTransport`], which signs with the server's seeded RNG.
#[derive(Debug)]
pub struct SigningTransport<B> {
    server: Rc<RefCell<AuthorizationServer>>,
    backend: B,
}

impl<B: CryptoBackend> SigningTransport<B> {
    pub fn new(server: Rc<RefCell<AuthorizationServer>>, backend: B) -> Self {
        Self { server, backend }
    }

    /// The backend the server signs with, for a client that should sign with the same one.
    pub fn backend(&self) -> &B {
        &self.backend
    }
}

impl<B: CryptoBackend> Transport for SigningTransport<B> {
    async fn send(&self, request: Request) -> Result<Response, TransportError> {
        let deferred = self
            .server
            .try_borrow_mut()
            .map_err(|_| busy())?
            .handle_deferred(&request);
        Ok(deferred.seal(&self.backend).await)
    }
}

fn busy() -> TransportError {
    TransportError {
        message: "the in-process server is busy (re-entrant request)".into(),
    }
}

//! The mock server as a [`Transport`]: the client cannot tell it from a remote server.

use std::cell::RefCell;
use std::rc::Rc;

use super::server::AuthorizationServer;
use crate::http::{Request, Response, Transport, TransportError};

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
        let mut server = self.server.try_borrow_mut().map_err(|_| TransportError {
            message: "the in-process server is busy (re-entrant request)".into(),
        })?;
        Ok(server.handle(request))
    }
}

impl Transport for InProcessTransport {
    async fn send(&self, request: Request) -> Result<Response, TransportError> {
        self.send_now(&request)
    }
}

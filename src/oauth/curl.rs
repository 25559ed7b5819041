//! `curl` commands for the back-channel requests (PAR, token, userinfo), runnable as printed
//! in a POSIX shell.

use crate::http::{Method, Request};
use crate::protocol::{form_decode, form_encode, param};

/// Whether secrets appear in the command.
#[derive(Clone, Copy, Debug, Default, PartialEq, Eq)]
pub enum Secrets {
    /// Replaced by `<name>` placeholders for the user to fill in.
    #[default]
    Placeholder,
    Shown,
}

/// Form parameters that carry secrets or credentials.
const SECRET_PARAMS: [&str; 5] = [
    param::CLIENT_SECRET,
    param::CLIENT_ASSERTION,
    param::CODE_VERIFIER,
    param::REFRESH_TOKEN,
    param::CODE,
];

/// POSIX single quoting: `'` ends the quote, an escaped quote, and a new quote.
pub fn shell_quote(text: &str) -> String {
    format!("'{}'", text.replace('\'', r"'\''"))
}

pub fn curl_command(request: &Request, secrets: Secrets) -> String {
    let mut lines = vec![match request.method {
        Method::Get => format!("curl {}", shell_quote(&request.url)),
        Method::Post => format!("curl -X POST {}", shell_quote(&request.url)),
    }];
    for (name, value) in request.headers.iter() {
        let value = match (secrets, name.eq_ignore_ascii_case("authorization")) {
            (Secrets::Placeholder, true) => match value.split_once(' ') {
                Some((scheme, _)) if scheme.eq_ignore_ascii_case("basic") => {
                    "Basic <base64(client_id:client_secret)>".to_string()
                }
                Some((scheme, _)) => format!("{scheme} <access_token>"),
                None => "<credentials>".to_string(),
            },
            _ => value.to_string(),
        };
        lines.push(format!("-H {}", shell_quote(&format!("{name}: {value}"))));
    }
    if !request.body.is_empty() {
        let body = match secrets {
            Secrets::Shown => String::from_utf8_lossy(&request.body).into_owned(),
            Secrets::Placeholder => form_decode(&request.body)
                .iter()
                .map(|(k, v)| {
                    if SECRET_PARAMS.contains(&k.as_str()) {
                        format!("{}=<{k}>", form_encode([("", k.as_str())]).trim_start_matches('='))
                    } else {
                        form_encode([(k.as_str(), v.as_str())])
                    }
                })
                .collect::<Vec<_>>()
                .join("&"),
        };
        lines.push(format!("--data-raw {}", shell_quote(&body)));
    }
    lines.join(" \\\n  ")
}

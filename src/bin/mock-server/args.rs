//! The command line: a small hand-written parser (clap would double this binary's build time
//! for eleven flags), every flag documented in [`USAGE`].

use std::path::PathBuf;

use oauth_playground::clock::{parse_rfc3339, UnixTime};
use oauth_playground::mock_as::ProfileName;

use crate::cors::CorsPolicy;

pub const USAGE: &str = "\
mock-server: the playground's mock authorization server over real HTTP.

Usage: mock-server [OPTIONS]

Options:
  --port PORT            port to listen on (default 9000; 0 picks a free one, printed at start)
  --host HOST            address to listen on (default 127.0.0.1; e.g. ::1, localhost)
  --issuer URL           the issuer, and the base of every endpoint (default http://HOST:PORT)
  --profile NAME         settings preset: hardened (default), strict, pingone, lenient
  --settings FILE        JSON object of server settings merged over the profile, as the page's
                         settings editor and window.oauthPlayground.mock.configure take them
  --clients FILE         JSON array of RFC 7591 client metadata to register at start, as
                         window.oauthPlayground.mock.registerClient takes each one
  --seed TEXT            reproducible mode: codes, tokens and request_uris drawn from TEXT
                         (the page's reproducible seed), the same run after run
  --instant RFC3339      a clock that does not move, e.g. 2025-01-01T00:00:00Z
  --cors-origin ORIGIN   a browser origin allowed to call the server (repeatable; '*' for any).
                         Default: any loopback origin (http or https on 127.0.0.1, localhost, [::1])
  --max-body BYTES       largest request body read; larger ones are refused with 413 before
                         being read (default 2097152; the server's own PAR limit is lower)
  --read-timeout SECS    time a client has to send its request headers, and again its body
                         (default 10)
  -h, --help             this text

Output: one JSON line when listening (with the issuer URL), then every event of the server's
log as one JSON line, the same records and check codes as the page's event log. Ctrl-C stops
the server after the requests under way are answered.
";

/// What the command line asked for.
#[derive(Debug, PartialEq)]
pub struct Options {
    pub host: String,
    pub port: u16,
    pub issuer: Option<String>,
    pub profile: ProfileName,
    pub settings: Option<PathBuf>,
    pub clients: Option<PathBuf>,
    pub seed: Option<String>,
    pub instant: Option<UnixTime>,
    pub cors: CorsPolicy,
    pub max_body: usize,
    pub read_timeout_secs: u64,
}

impl Default for Options {
    fn default() -> Self {
        Self {
            host: "127.0.0.1".into(),
            port: 9000,
            issuer: None,
            profile: ProfileName::Hardened,
            settings: None,
            clients: None,
            seed: None,
            instant: None,
            cors: CorsPolicy::Loopback,
            max_body: 2 * 1024 * 1024,
            read_timeout_secs: 10,
        }
    }
}

#[derive(Debug, PartialEq)]
pub enum Command {
    Run(Options),
    Help,
}

/// Reads the arguments after the program name. `--flag value` and `--flag=value` both work.
pub fn parse(args: impl IntoIterator<Item = String>) -> Result<Command, String> {
    let mut options = Options::default();
    let mut origins = Vec::new();
    let mut args = args.into_iter();
    while let Some(arg) = args.next() {
        if arg == "-h" || arg == "--help" {
            return Ok(Command::Help);
        }
        let (flag, inline) = match arg.split_once('=') {
            Some((flag, value)) if flag.starts_with("--") => (flag.to_string(), Some(value.to_string())),
            _ => (arg.clone(), None),
        };
        let mut value = || {
            inline
                .clone()
                .or_else(|| args.next())
                .ok_or_else(|| format!("{flag} needs a value (see --help)"))
        };
        match flag.as_str() {
            "--port" => {
                let text = value()?;
                options.port = text
                    .parse()
                    .map_err(|_| format!("--port: \"{text}\" is not a port number (0–65535)"))?;
            }
            "--host" => options.host = value()?,
            "--issuer" => options.issuer = Some(value()?),
            "--profile" => options.profile = profile(&value()?)?,
            "--settings" => options.settings = Some(PathBuf::from(value()?)),
            "--clients" => options.clients = Some(PathBuf::from(value()?)),
            "--seed" => options.seed = Some(value()?),
            "--instant" => options.instant = Some(parse_rfc3339(&value()?).map_err(|e| format!("--instant: {e}"))?),
            "--cors-origin" => origins.push(value()?),
            "--max-body" => {
                let text = value()?;
                options.max_body = text
                    .parse()
                    .map_err(|_| format!("--max-body: \"{text}\" is not a number of bytes"))?;
            }
            "--read-timeout" => {
                let text = value()?;
                options.read_timeout_secs =
                    text.parse().ok().filter(|s| *s > 0).ok_or_else(|| {
                        format!("--read-timeout: \"{text}\" is not a whole number of seconds above 0")
                    })?;
            }
            _ => return Err(format!("unknown argument \"{arg}\" (see --help)")),
        }
    }
    if !origins.is_empty() {
        options.cors = CorsPolicy::from_flags(&origins)?;
    }
    Ok(Command::Run(options))
}

fn profile(name: &str) -> Result<ProfileName, String> {
    match name.to_ascii_lowercase().as_str() {
        "hardened" => Ok(ProfileName::Hardened),
        "strict" => Ok(ProfileName::Strict),
        "pingone" | "ping_one" => Ok(ProfileName::PingOne),
        "lenient" => Ok(ProfileName::Lenient),
        _ => Err(format!(
            "--profile: \"{name}\" is not one of hardened, strict, pingone, lenient"
        )),
    }
}

/// The issuer when none is given: `http://HOST:PORT`, the address bracketed when it is IPv6
/// (RFC 3986 §3.2.2).
pub fn default_issuer(host: &str, port: u16) -> String {
    if host.contains(':') {
        format!("http://[{host}]:{port}")
    } else {
        format!("http://{host}:{port}")
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn run(args: &[&str]) -> Result<Options, String> {
        match parse(args.iter().map(|s| s.to_string()))? {
            Command::Run(options) => Ok(options),
            Command::Help => Err("help".into()),
        }
    }

    #[test]
    fn no_arguments_give_the_documented_defaults() {
        let options = run(&[]).unwrap();
        assert_eq!((options.host.as_str(), options.port), ("127.0.0.1", 9000));
        assert_eq!(options.profile, ProfileName::Hardened);
        assert_eq!(options.cors, CorsPolicy::Loopback);
    }

    #[test]
    fn every_flag_is_read_in_both_spellings() {
        let options = run(&[
            "--port=0",
            "--host",
            "::1",
            "--profile",
            "pingone",
            "--seed=s",
            "--instant",
            "2025-01-01T00:00:00Z",
            "--cors-origin",
            "https://app.example",
            "--max-body=10",
            "--read-timeout",
            "3",
        ])
        .unwrap();
        assert_eq!(options.port, 0);
        assert_eq!(options.host, "::1");
        assert_eq!(options.profile, ProfileName::PingOne);
        assert_eq!(options.seed.as_deref(), Some("s"));
        assert_eq!(options.instant, Some(1_735_689_600));
        assert!(options.cors.allows("https://app.example"));
        assert!(!options.cors.allows("http://127.0.0.1:8080"));
        assert_eq!((options.max_body, options.read_timeout_secs), (10, 3));
        assert_eq!(default_issuer("::1", 9000), "http://[::1]:9000");
    }

    #[test]
    fn mistakes_are_named() {
        for (args, says) in [
            (&["--port", "70000"][..], "--port"),
            (&["--profile", "fapi"], "not one of"),
            (&["--instant", "yesterday"], "--instant"),
            (&["--cors-origin", "https://app.example/path"], "origin"),
            (&["--read-timeout", "0"], "--read-timeout"),
            (&["--seed"], "needs a value"),
            (&["--verbose"], "unknown argument"),
        ] {
            let error = run(args).unwrap_err();
            assert!(error.contains(says), "{args:?}: {error}");
        }
        assert_eq!(parse(["--help".to_string()]), Ok(Command::Help));
    }
}

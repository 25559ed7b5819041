//! `mock-server`: the playground's authorization server (`src/mock_as`, unchanged) over real
//! HTTP, for clients that are not in a browser tab — backend and mobile apps, CLIs, CI — and
//! for browser apps through CORS. `--help` lists the flags; README "Testing your own client".
//!
//! Native only: on wasm32 this binary is an empty `main`, and none of its dependencies exist.

#[cfg(target_arch = "wasm32")]
fn main() {}

#[cfg(not(target_arch = "wasm32"))]
mod args;
#[cfg(not(target_arch = "wasm32"))]
mod cors;
#[cfg(not(target_arch = "wasm32"))]
mod edge;
#[cfg(not(target_arch = "wasm32"))]
mod listen;
#[cfg(not(target_arch = "wasm32"))]
mod server_thread;

#[cfg(not(target_arch = "wasm32"))]
fn main() -> std::process::ExitCode {
    use std::process::ExitCode;

    let options = match args::parse(std::env::args().skip(1)) {
        Ok(args::Command::Run(options)) => options,
        Ok(args::Command::Help) => {
            print!("{}", args::USAGE);
            return ExitCode::SUCCESS;
        }
        Err(e) => {
            eprintln!("mock-server: {e}");
            return ExitCode::from(2);
        }
    };
    let runtime = match tokio::runtime::Builder::new_multi_thread().enable_all().build() {
        Ok(runtime) => runtime,
        Err(e) => {
            eprintln!("mock-server: cannot start the runtime: {e}");
            return ExitCode::FAILURE;
        }
    };
    match runtime.block_on(listen::run(options)) {
        Ok(()) => ExitCode::SUCCESS,
        Err(e) => {
            eprintln!("mock-server: {e}");
            ExitCode::from(2)
        }
    }
}

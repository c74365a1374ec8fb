//! `dbsecrets`: parse the command line, run the command, print what failed,
//! exit with its code. Everything else is in the library (`src/lib.rs`).

use std::process::ExitCode;

use dbsecrets::context::Io;
use dbsecrets::failure::{exit, Failure};
use dbsecrets::Parsed;

fn main() -> ExitCode {
    // Before anything holds a credential: no core dump of this process.
    let _ = dbsecrets::hygiene::disable_core_dumps();
    // A bug must still end in one line, and never in a dump that could hold a value.
    std::panic::set_hook(Box::new(|info| {
        let at = info
            .location()
            .map(|l| format!(" at {}:{}", l.file(), l.line()))
            .unwrap_or_default();
        eprintln!("error: internal error{at}: this is a bug in dbsecrets, please report it");
        std::process::exit(exit::FAILURE.into());
    }));

    let io = Io::real();
    let cli = match dbsecrets::parse(std::env::args_os(), &io) {
        Ok(Parsed::Run(cli)) => *cli,
        Ok(Parsed::Exit(code)) => return ExitCode::from(code), // --help, --version, no command
        Err(usage) => return fail(&io, &usage),
    };
    match dbsecrets::run(cli, io.clone()) {
        Ok(()) => ExitCode::SUCCESS,
        Err(failure) => fail(&io, &failure),
    }
}

/// Prints `error: …` (and `hint: …`) on stderr; the failure's exit code.
fn fail(io: &Io, failure: &Failure) -> ExitCode {
    io.write_stderr(&failure.render());
    ExitCode::from(failure.code)
}

//! Process hygiene, done first thing in `main`: a crash or a SIGQUIT must not
//! write the process's memory, which holds tokens and secret values, to disk.

/// Disables core dumps for this process: the core size limit (soft and hard)
/// goes to 0, and on Linux the process is marked not dumpable (which also
/// keeps other processes of the same user from attaching a debugger to it).
/// Best effort: a failure is returned for the caller to ignore or report,
/// never a reason not to run.
pub fn disable_core_dumps() -> std::io::Result<()> {
    #[cfg(unix)]
    {
        use rustix::process::{setrlimit, Resource, Rlimit};
        let none = Rlimit {
            current: Some(0),
            maximum: Some(0),
        };
        setrlimit(Resource::Core, none)?;
    }
    #[cfg(any(target_os = "linux", target_os = "android"))]
    {
        use rustix::process::{set_dumpable_behavior, DumpableBehavior};
        set_dumpable_behavior(DumpableBehavior::NotDumpable)?;
    }
    Ok(())
}

#[cfg(test)]
mod tests {
    /// In the test process itself (harmless: it only loses its core dumps).
    #[cfg(target_os = "linux")]
    #[test]
    fn the_process_is_not_dumpable_and_has_no_core_limit() {
        use rustix::process::{dumpable_behavior, getrlimit, DumpableBehavior, Resource};
        super::disable_core_dumps().unwrap();
        assert_eq!(dumpable_behavior().unwrap(), DumpableBehavior::NotDumpable);
        let limit = getrlimit(Resource::Core);
        assert_eq!((limit.current, limit.maximum), (Some(0), Some(0)));
    }
}

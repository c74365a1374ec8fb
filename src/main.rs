fn main() -> std::process::ExitCode {
    dbsecrets::app::main()
}

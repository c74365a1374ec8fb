//! TEMPORARY placeholder until the emulator module lands.
#[derive(Debug, clap::Args)]
pub struct EmulatorArgs {
    #[arg(long, default_value_t = 0)]
    pub port: u16,
}
impl EmulatorArgs {
    pub fn run(self) -> anyhow::Result<()> {
        anyhow::bail!("not yet")
    }
}

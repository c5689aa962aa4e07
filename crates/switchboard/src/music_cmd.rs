//! `switchboard music set FILE` and `switchboard music reset`: the music
//! phones on hold hear, through the service layer like every other door.

use crate::cli::MusicCommand;
use crate::config::Config;

pub fn music(config: Config, action: MusicCommand) -> anyhow::Result<()> {
    match action {
        MusicCommand::Set { file } => {
            let wav = std::fs::read(&file)
                .map_err(|e| anyhow::anyhow!("cannot read {}: {e}", file.display()))?;
            crate::store::with_service(config, async |service, actor| {
                Ok(service.set_music_on_hold(&actor, wav).await?)
            })?;
            println!("music on hold: {}", file.display());
        }
        MusicCommand::Reset => {
            crate::store::with_service(config, async |service, actor| {
                Ok(service.reset_music_on_hold(&actor).await?)
            })?;
            println!("music on hold: the track that ships");
        }
    }
    Ok(())
}

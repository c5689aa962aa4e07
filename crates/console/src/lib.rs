//! The web console's files, built from `web/` at compile time (see
//! `build.rs`) and embedded, so the one binary serves the console with
//! nothing beside it.

/// One file of the built console.
#[derive(Debug)]
pub struct Asset {
    /// Its URL path, from the root: `/index.html`, `/assets/index-…js`.
    pub path: &'static str,
    pub body: &'static [u8],
    pub content_type: &'static str,
}

impl Asset {
    /// Whether the file name carries a hash of its content, so a browser
    /// may keep it for good.
    pub fn immutable(&self) -> bool {
        self.path.starts_with("/assets/")
    }
}

include!(concat!(env!("OUT_DIR"), "/assets.rs"));

/// The file at `path`, if the console has one.
pub fn asset(path: &str) -> Option<&'static Asset> {
    ASSETS.iter().find(|a| a.path == path)
}

/// The console's page, served for every console address.
pub fn index() -> &'static Asset {
    asset("/index.html").expect("the console build has an index.html")
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn the_page_loads_its_script_and_styles_from_the_embedded_files() {
        let page = std::str::from_utf8(index().body).unwrap();
        let referenced: Vec<&str> = page
            .split('"')
            .filter(|s| s.starts_with("/assets/"))
            .collect();
        assert!(referenced.iter().any(|p| p.ends_with(".js")), "{page}");
        assert!(referenced.iter().any(|p| p.ends_with(".css")), "{page}");
        for path in referenced {
            let a = asset(path).unwrap_or_else(|| panic!("{path} is not embedded"));
            assert!(a.immutable() && !a.body.is_empty());
        }
    }
}

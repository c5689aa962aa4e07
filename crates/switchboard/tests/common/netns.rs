//! Test hosts: network namespaces of the test's own, each joined to this
//! one by a veth pair on a /24 of its own (this side `.1`, the host `.2`,
//! its default route through `.1`). What crosses between them crosses a
//! network interface, as a phone's packets do on a real network. Made
//! with iproute2 (`ip`), as root; removed when dropped.

use std::net::Ipv4Addr;
use std::process::Command;

pub struct Host {
    /// The namespace's name, for `ip netns exec`.
    pub namespace: String,
    /// The host's address.
    pub address: Ipv4Addr,
    /// This side's address on the host's link.
    pub gateway: Ipv4Addr,
}

/// Hosts that are removed with it.
pub struct Network {
    pub hosts: Vec<Host>,
}

fn ip(args: &[&str]) {
    let out = Command::new("ip")
        .args(args)
        .output()
        .expect("ip (iproute2)");
    assert!(
        out.status.success(),
        "ip {}: {}",
        args.join(" "),
        String::from_utf8_lossy(&out.stderr)
    );
}

impl Network {
    /// `count` hosts, named after `tag` and this process.
    pub fn new(tag: &str, count: u8) -> Network {
        let pid = std::process::id();
        let mut network = Network { hosts: Vec::new() };
        for i in 0..count {
            let namespace = format!("sb-{tag}-{pid}-{i}");
            let outer = format!("sb{}{tag}{i}", pid % 100_000);
            let subnet = [10, 100 + (pid % 100) as u8, 10 + i];
            let address = Ipv4Addr::new(subnet[0], subnet[1], subnet[2], 2);
            let gateway = Ipv4Addr::new(subnet[0], subnet[1], subnet[2], 1);
            ip(&["netns", "add", &namespace]);
            network.hosts.push(Host {
                namespace: namespace.clone(),
                address,
                gateway,
            });
            ip(&[
                "link", "add", &outer, "type", "veth", "peer", "name", "eth0", "netns", &namespace,
            ]);
            ip(&["addr", "add", &format!("{gateway}/24"), "dev", &outer]);
            ip(&["link", "set", &outer, "up"]);
            ip(&[
                "-n",
                &namespace,
                "addr",
                "add",
                &format!("{address}/24"),
                "dev",
                "eth0",
            ]);
            ip(&["-n", &namespace, "link", "set", "eth0", "up"]);
            ip(&["-n", &namespace, "link", "set", "lo", "up"]);
            ip(&[
                "-n",
                &namespace,
                "route",
                "add",
                "default",
                "via",
                &gateway.to_string(),
            ]);
        }
        network
    }
}

impl Drop for Network {
    /// Removing a namespace removes its veth pair too.
    fn drop(&mut self) {
        for host in &self.hosts {
            let _ = Command::new("ip")
                .args(["netns", "del", &host.namespace])
                .status();
        }
    }
}

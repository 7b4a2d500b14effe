//! The `feishu-card` command.

fn main() {
    eprintln!("usage: feishu-card <command> [args]");
    std::process::exit(2);
}

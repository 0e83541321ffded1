//! `oxforge`: the server and its admin commands, with Gitea's verbs and flags.

use clap::{ArgAction, Args, Parser, Subcommand};
use oxforge::config::{Config, Sources};
use oxforge_service::accounts::CreateUser;
use std::path::PathBuf;
use std::process::ExitCode;

#[derive(Parser)]
#[command(
    name = "oxforge",
    version,
    about = "A self-hosted Git service, compatible with Gitea and Gogs"
)]
struct Cli {
    /// Configuration file (default: <work-path>/conf/app.ini when it exists).
    #[arg(short = 'c', long = "config", global = true)]
    config: Option<PathBuf>,
    /// Working directory holding the database and repositories (default ./data, env OXFORGE_WORK_DIR).
    #[arg(short = 'w', long = "work-path", global = true)]
    work_path: Option<PathBuf>,
    #[command(subcommand)]
    command: Command,
}

#[derive(Subcommand)]
enum Command {
    /// Start the web server.
    Web {
        /// Port to listen on (overrides [server] HTTP_PORT).
        #[arg(short = 'p', long)]
        port: Option<u16>,
    },
    /// Administrative commands.
    Admin {
        #[command(subcommand)]
        command: AdminCommand,
    },
}

#[derive(Subcommand)]
enum AdminCommand {
    /// Manage users.
    User {
        #[command(subcommand)]
        command: UserCommand,
    },
}

#[derive(Subcommand)]
enum UserCommand {
    /// Create a user.
    Create(CreateArgs),
    /// Create an access token for a user.
    GenerateAccessToken(TokenArgs),
}

#[derive(Args)]
struct CreateArgs {
    #[arg(long, visible_alias = "name")]
    username: String,
    #[arg(long)]
    email: String,
    #[arg(long, conflicts_with = "random_password")]
    password: Option<String>,
    #[arg(long)]
    random_password: bool,
    #[arg(long, default_value_t = 12)]
    random_password_length: usize,
    #[arg(long)]
    admin: bool,
    #[arg(long)]
    restricted: bool,
    #[arg(long)]
    fullname: Option<String>,
    /// Default: true, except for the very first user.
    #[arg(long, num_args = 0..=1, require_equals = true, default_missing_value = "true",
          action = ArgAction::Set, value_parser = clap::builder::BoolishValueParser::new())]
    must_change_password: Option<bool>,
    /// Also create an access token and print it.
    #[arg(long)]
    access_token: bool,
    #[arg(long, default_value = "gitea-admin")]
    access_token_name: String,
    #[arg(long, default_value = "all")]
    access_token_scopes: String,
}

#[derive(Args)]
struct TokenArgs {
    #[arg(short = 'u', long)]
    username: String,
    #[arg(short = 't', long, default_value = "gitea-admin")]
    token_name: String,
    #[arg(long, default_value = "all")]
    scopes: String,
    /// Print only the token.
    #[arg(long)]
    raw: bool,
}

fn init_logging(default: &str) {
    let filter = tracing_subscriber::EnvFilter::try_from_env("OXFORGE_LOG")
        .unwrap_or_else(|_| tracing_subscriber::EnvFilter::new(default));
    tracing_subscriber::fmt()
        .with_env_filter(filter)
        .with_writer(std::io::stderr)
        .init();
}

fn random_password(len: usize) -> String {
    use std::io::Read;
    const CHARS: &[u8] = b"ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789";
    let mut buf = vec![0u8; len.max(8)];
    if let Ok(mut f) = std::fs::File::open("/dev/urandom") {
        let _ = f.read_exact(&mut buf);
    }
    buf.iter()
        .map(|b| CHARS[*b as usize % CHARS.len()] as char)
        .collect()
}

async fn shutdown_signal() {
    let ctrl_c = tokio::signal::ctrl_c();
    #[cfg(unix)]
    {
        let mut term =
            match tokio::signal::unix::signal(tokio::signal::unix::SignalKind::terminate()) {
                Ok(s) => s,
                Err(_) => {
                    let _ = ctrl_c.await;
                    return;
                }
            };
        tokio::select! {
            _ = ctrl_c => {},
            _ = term.recv() => {},
        }
    }
    #[cfg(not(unix))]
    let _ = ctrl_c.await;
    tracing::info!("shutting down; waiting for requests in flight");
}

async fn run(cli: Cli) -> Result<(), String> {
    let port = match &cli.command {
        Command::Web { port } => *port,
        _ => None,
    };
    let cfg = Config::load(&Sources {
        config_file: cli.config.clone(),
        work_path: cli.work_path.clone(),
        port,
    })
    .map_err(|e| e.to_string())?;
    match cli.command {
        Command::Web { .. } => {
            init_logging("info");
            let svc = oxforge::open_services(&cfg).await?;
            let addr = format!("{}:{}", cfg.server.http_addr, cfg.server.http_port);
            let listener = tokio::net::TcpListener::bind(&addr)
                .await
                .map_err(|e| format!("cannot listen on {addr}: {e}"))?;
            tracing::info!(
                "listening on {addr}, root URL {}",
                cfg.server.effective_root_url(cfg.server.http_port)
            );
            oxforge::serve(&cfg, svc, listener, shutdown_signal())
                .await
                .map_err(|e| e.to_string())
        }
        Command::Admin {
            command: AdminCommand::User { command },
        } => {
            init_logging("warn");
            let svc = oxforge::open_services(&cfg).await?;
            let result = admin_user(&svc, command).await;
            svc.store.close().await;
            result
        }
    }
}

async fn admin_user(svc: &oxforge_service::Services, command: UserCommand) -> Result<(), String> {
    match command {
        UserCommand::Create(a) => {
            let password = match (a.password, a.random_password) {
                (Some(p), false) => p,
                (None, true) => {
                    let p = random_password(a.random_password_length);
                    println!("generated random password is '{p}'");
                    p
                }
                _ => return Err("either --password or --random-password is required".into()),
            };
            let first = svc.store.count_users().await.map_err(|e| e.message)? == 0;
            let user = svc
                .create_user(CreateUser {
                    username: a.username.clone(),
                    email: a.email,
                    password,
                    full_name: a.fullname.unwrap_or_default(),
                    must_change_password: a.must_change_password.unwrap_or(!first),
                    is_admin: a.admin,
                    restricted: a.restricted,
                    ..Default::default()
                })
                .await
                .map_err(|e| e.message)?;
            if a.access_token {
                let token = svc
                    .create_token_for(&user.name, &a.access_token_name, &a.access_token_scopes)
                    .await
                    .map_err(|e| e.message)?;
                println!("Access token was successfully created... {token}");
            }
            println!("New user '{}' has been successfully created!", user.name);
            Ok(())
        }
        UserCommand::GenerateAccessToken(a) => {
            let token = svc
                .create_token_for(&a.username, &a.token_name, &a.scopes)
                .await
                .map_err(|e| e.message)?;
            if a.raw {
                println!("{token}");
            } else {
                println!("Access token was successfully created: {token}");
            }
            Ok(())
        }
    }
}

/// Keeps glibc from holding on to freed memory: without a fixed mmap threshold, each
/// 19 MiB argon2 buffer raises the threshold and then stays in a thread's arena, so a
/// few concurrent password checks left the idle process at ~70 MiB instead of ~9 MiB.
fn return_large_frees_to_the_os() {
    #[cfg(all(target_os = "linux", target_env = "gnu"))]
    // SAFETY: mallopt only changes allocator tuning; called before any other thread exists.
    unsafe {
        libc::mallopt(libc::M_MMAP_THRESHOLD, 128 * 1024);
    }
}

fn main() -> ExitCode {
    return_large_frees_to_the_os();
    let cli = Cli::parse();
    let rt = match tokio::runtime::Builder::new_multi_thread()
        .enable_all()
        .build()
    {
        Ok(rt) => rt,
        Err(e) => {
            eprintln!("oxforge: cannot start runtime: {e}");
            return ExitCode::FAILURE;
        }
    };
    match rt.block_on(run(cli)) {
        Ok(()) => ExitCode::SUCCESS,
        Err(e) => {
            eprintln!("oxforge: {e}");
            ExitCode::FAILURE
        }
    }
}

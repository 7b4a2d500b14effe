//! `feishu-card mcp`: the card tools for AI agents, as an MCP server (stdio, or streamable HTTP
//! with `--http ADDR`).
//!
//! Tools: `feishu_send_card`, `feishu_send_form`, `feishu_update_card`, `feishu_validate_card`,
//! `feishu_ask_user`, `feishu_stream_start` / `_append` / `_finish` (see [`tools`]). Every card
//! is checked with the registry's validator before any request; an invalid card is a tool
//! error (`isError: true`) carrying every diagnostic with a fix, and nothing is sent. Feishu's
//! failure codes come back explained ([`explain`]).
//!
//! Resources: the component reference generated from the registry, the three reference cards,
//! and with `--emulator` the emulator's state (its request log, messages and cards, how answers
//! arrive and each delivery over the long connection). Prompt: `feishu_cards`, when and how to
//! send a card.
//!
//! `feishu_ask_user` gets the user's click or submission back over one of these routes
//! ([`ask`] describes the handler they share):
//!
//! | flags | answers arrive |
//! |---|---|
//! | credentials (the default) | over Feishu's long connection, held by the server ([`listen`]) |
//! | `--callback ADDR` | at the card callback route `http://ADDR/callback` the server serves |
//! | `--no-long-connection` | nowhere: `feishu_ask_user` is refused with a tool error |
//! | `--emulator` | over the built-in emulator's long connection, from its emulated user |
//! | `--emulator --callback ADDR` | from the emulator, posted to the callback route over HTTP |
//! | `--emulator --no-long-connection` | from the emulator, by a call in process |
//!
//! With `--emulator` nothing is printed on standard output (it carries MCP with stdio): the
//! emulator's state is the resource `feishu-card://emulator/state`.
//!
//! Argument errors (wrong types, a card string that is not JSON, an oversized card) are tool
//! errors the model can read and fix; an unknown tool is a protocol error (invalid params).

mod args;
mod ask;
mod explain;
mod listen;
mod resources;
mod tools;

use std::collections::HashMap;
use std::net::SocketAddr;
use std::path::PathBuf;
use std::process::ExitCode;
use std::sync::{Arc, Mutex};
use std::time::Duration;

use card_client::callback::{CallbackConfig, CallbackHandler, CardAction, Deferred};
use card_client::emulator::{DeliveryOutcome, Emulator};
use card_client::stream::Stream;
use card_client::Client;
use card_core::validate::Policy;
use rmcp::model::{
    CallToolRequestParams, CallToolResponse, CallToolResult, GetPromptRequestParams,
    GetPromptResponse, GetPromptResult, Implementation, ListPromptsResult, ListResourcesResult,
    ListToolsResult, PaginatedRequestParams, Prompt, PromptMessage, ReadResourceRequestParams,
    ReadResourceResponse, ReadResourceResult, Resource, ResourceContents, Role, ServerCapabilities,
    ServerConfig, Tool,
};
use rmcp::service::RequestContext;
use rmcp::{ErrorData as McpError, RoleServer, ServerHandler, ServiceExt};
use serde_json::{json, Value};

use crate::net::{Net, Session, EXIT_API, EXIT_USAGE};
use crate::validate::Check;
use ask::{AnswerRoute, Answers, EmulatedUser, Questions};

/// Arguments of `feishu-card mcp`.
#[derive(Debug, clap::Args)]
#[command(mut_arg("emulator", |a| a.help(EMULATOR_HELP)))]
pub struct Args {
    #[command(flatten)]
    pub net: Net,
    #[command(flatten)]
    pub check: Check,
    /// Serve MCP over streamable HTTP at this address (such as 127.0.0.1:8931), at the path
    /// `/mcp`, instead of over standard input and output.
    #[arg(long, value_name = "ADDR")]
    pub http: Option<SocketAddr>,
    /// With --emulator: what the emulated user answers to feishu_ask_user, a JSON object from a
    /// question's text (or `*`) to a choice (text or index), an object of form values, or null
    /// (never answers). Without it the user picks the first choice and fills forms with
    /// sample values.
    #[arg(long, value_name = "FILE", requires = "emulator")]
    pub emulator_answers: Option<PathBuf>,
    /// Receive feishu_ask_user's answers at Feishu's card callback route (POST /callback),
    /// served at this address, instead of over the long connection: set the app's card
    /// callback URL to this route. Needs the app's verification token (and encrypt key, if it
    /// has one). With --emulator, the emulator posts its callbacks there.
    #[arg(long, value_name = "ADDR")]
    pub callback: Option<SocketAddr>,
    /// Do not hold the app's long connection (by default the server holds one, and
    /// feishu_ask_user's answers arrive over it). Feishu hands each event to one of the app's
    /// connections at random: use this when another process of the app receives its events
    /// and card actions. Without --callback, feishu_ask_user is then refused; with --emulator,
    /// the emulator calls the server in process instead.
    #[arg(long, conflicts_with = "callback")]
    pub no_long_connection: bool,
    /// The app's Verification Token, checked in every card callback (with --callback).
    #[arg(long, env = "FEISHU_VERIFICATION_TOKEN", hide_env_values = true)]
    pub verification_token: Option<String>,
    /// The app's Encrypt Key, when its callbacks are encrypted (with --callback). With
    /// --emulator, the emulator encrypts and signs its callbacks with it.
    #[arg(long, env = "FEISHU_ENCRYPT_KEY", hide_env_values = true)]
    pub encrypt_key: Option<String>,
}

/// The help of `--emulator` for `feishu-card mcp`.
const EMULATOR_HELP: &str = "Run against the built-in Feishu emulator, offline, with an emulated \
     user who answers feishu_ask_user over the emulator's long connection (over the callback \
     route with --callback, in process with --no-long-connection); the emulator's state is the \
     resource feishu-card://emulator/state (standard output carries MCP)";

/// How `feishu_ask_user`'s answers arrive, as the emulator's state resource names it.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
enum Via {
    LongConnection,
    Callback,
    InProcess,
    Nowhere,
}

impl Via {
    fn name(self) -> &'static str {
        match self {
            Via::LongConnection => "long_connection",
            Via::Callback => "callback",
            Via::InProcess => "in_process",
            Via::Nowhere => "none",
        }
    }
}

/// What every call shares.
pub struct Shared {
    client: Client,
    emulator: Option<Arc<Emulator>>,
    questions: Arc<Questions>,
    route: AnswerRoute,
    via: Via,
    long_connection: Option<listen::LongConnection>,
    user: Option<EmulatedUser>,
    streams: Mutex<HashMap<String, Stream>>,
    /// How the cards of the tools are validated (`--lenient`).
    policy: Policy,
}

/// The MCP server.
#[derive(Clone)]
pub struct Server {
    shared: Arc<Shared>,
}

/// Runs `feishu-card mcp`.
pub fn run(args: Args) -> ExitCode {
    let runtime = match tokio::runtime::Builder::new_multi_thread()
        .worker_threads(2)
        .enable_all()
        .build()
    {
        Ok(runtime) => runtime,
        Err(err) => {
            eprintln!("error: cannot start the async runtime: {err}");
            return ExitCode::from(EXIT_API);
        }
    };
    let code = runtime.block_on(serve(args));
    // Standard input may still be read by a blocking thread; do not wait for it.
    runtime.shutdown_timeout(Duration::from_millis(100));
    code
}

async fn serve(args: Args) -> ExitCode {
    // From the start, a signal stops the server gracefully rather than killing it.
    let mut stop = Box::pin(stop_signal());
    let answers = match &args.emulator_answers {
        None => Answers::default(),
        Some(path) => {
            let read = std::fs::read_to_string(path)
                .map_err(|err| format!("cannot read {}: {err}", path.display()))
                .and_then(|text| Answers::from_json(&text));
            match read {
                Ok(answers) => answers,
                Err(err) => {
                    eprintln!("error: --emulator-answers: {err}");
                    return ExitCode::from(EXIT_USAGE);
                }
            }
        }
    };
    let session = match start(&args).await {
        Ok(session) => session,
        Err(code) => return code,
    };
    let emulator = session.emulator.map(Arc::new);
    let questions = Arc::new(Questions::default());
    let routed = questions.clone();
    let on_action = move |action: CardAction, later: Deferred| {
        let (answer, delivery) = routed.route(&action);
        if let Some(delivery) = delivery {
            // The caller hears of the answer once it has gone out, so that its next update of
            // the card lands after the answer's card.
            tokio::spawn(async move {
                later.answered().await;
                delivery.deliver();
            });
        }
        async move { answer }
    };
    let mut long_connection = None;
    let (via, user) = match (&emulator, args.callback) {
        (Some(emulator), callback) => {
            let mut config = CallbackConfig::new(emulator.verification_token());
            if let Some(key) = emulator.encrypt_key() {
                config = config.encrypt_key(key);
            }
            let handler = config.client(session.client.clone()).build();
            let via = match callback {
                Some(addr) => match callback_route(addr, handler, on_action).await {
                    Ok(url) => {
                        emulator.set_callback_url(url);
                        Via::Callback
                    }
                    Err(code) => return code,
                },
                None if args.no_long_connection => {
                    emulator.deliver_to_handler(handler, on_action);
                    Via::InProcess
                }
                None => {
                    emulator.use_long_connection();
                    long_connection = Some(listen::LongConnection::start(
                        session.client.clone(),
                        on_action,
                        questions.clone(),
                    ));
                    Via::LongConnection
                }
            };
            let user = EmulatedUser::spawn(emulator.clone(), answers);
            (via, Some(user))
        }
        (None, Some(addr)) => {
            let Some(token) = args.verification_token.filter(|t| !t.is_empty()) else {
                eprintln!(
                    "error: --callback needs the app's verification token: set \
                     FEISHU_VERIFICATION_TOKEN or pass --verification-token (and the encrypt \
                     key, FEISHU_ENCRYPT_KEY, if the app has one)"
                );
                return ExitCode::from(EXIT_USAGE);
            };
            let mut config = CallbackConfig::new(token);
            if let Some(key) = args.encrypt_key.filter(|k| !k.is_empty()) {
                config = config.encrypt_key(key);
            }
            let handler = config.client(session.client.clone()).build();
            if let Err(code) = callback_route(addr, handler, on_action).await {
                return code;
            }
            (Via::Callback, None)
        }
        (None, None) if args.no_long_connection => (Via::Nowhere, None),
        (None, None) => {
            long_connection = Some(listen::LongConnection::start(
                session.client.clone(),
                on_action,
                questions.clone(),
            ));
            (Via::LongConnection, None)
        }
    };
    let route = if via == Via::Nowhere {
        AnswerRoute::Unconnected
    } else {
        AnswerRoute::Connected
    };
    let server = Server {
        shared: Arc::new(Shared {
            client: session.client,
            emulator,
            questions,
            route,
            via,
            long_connection,
            user,
            streams: Mutex::new(HashMap::new()),
            policy: args.check.policy(),
        }),
    };
    let shared = server.shared.clone();
    let code = match args.http {
        None => match tokio::select! {
            started = server.serve(rmcp::transport::stdio()) => Some(started),
            () = &mut stop => None,
        } {
            None => ExitCode::SUCCESS,
            Some(Ok(running)) => {
                let cancel = running.cancellation_token();
                let waiting = running.waiting();
                tokio::pin!(waiting);
                // The session ends when the client closes standard input, or on a signal.
                let quit = tokio::select! {
                    quit = &mut waiting => Some(quit),
                    () = &mut stop => {
                        cancel.cancel();
                        tokio::time::timeout(STOP_WAIT, waiting).await.ok()
                    }
                };
                match quit {
                    Some(Err(err)) => {
                        eprintln!("error: the MCP session stopped: {err}");
                        ExitCode::from(EXIT_API)
                    }
                    Some(Ok(_)) | None => ExitCode::SUCCESS,
                }
            }
            Some(Err(err)) => {
                eprintln!("error: the MCP session could not start: {err}");
                ExitCode::from(EXIT_API)
            }
        },
        Some(addr) => http(server, addr, stop).await,
    };
    // Stop listening before the runtime goes: answers in flight are acknowledged first.
    if let Some(long_connection) = &shared.long_connection {
        long_connection.shutdown().await;
    }
    code
}

/// The client, and with `--emulator` the emulator, whose callbacks carry the verification
/// token and are encrypted and signed with the encrypt key when these are given.
async fn start(args: &Args) -> Result<Session, ExitCode> {
    if !args.net.emulator {
        return args.net.connect_with(args.check.policy()).await;
    }
    let mut builder = Emulator::builder();
    if let Some(token) = args.verification_token.as_deref().filter(|t| !t.is_empty()) {
        builder = builder.verification_token(token);
    }
    if let Some(key) = args.encrypt_key.as_deref().filter(|k| !k.is_empty()) {
        builder = builder.encrypt_key(key);
    }
    let emulator = builder.start().await.map_err(|err| {
        eprintln!("error: cannot start the emulator on 127.0.0.1: {err}");
        ExitCode::from(EXIT_API)
    })?;
    let client = emulator
        .client()
        .validation(args.check.policy())
        .build()
        .map_err(crate::net::api_error)?;
    eprintln!("emulator: running at {}", emulator.base_url());
    Ok(Session {
        client,
        emulator: Some(emulator),
    })
}

/// Serves Feishu's card callbacks at `http://addr/callback` in the background; the URL.
async fn callback_route<F, Fut>(
    addr: SocketAddr,
    handler: CallbackHandler,
    on_action: F,
) -> Result<String, ExitCode>
where
    F: Fn(CardAction, Deferred) -> Fut + Clone + Send + Sync + 'static,
    Fut: std::future::Future<Output = card_client::callback::Answer> + Send + 'static,
{
    let listener = tokio::net::TcpListener::bind(addr).await.map_err(|err| {
        eprintln!("error: cannot listen for card callbacks on {addr}: {err}");
        ExitCode::from(EXIT_USAGE)
    })?;
    let bound = listener.local_addr().map_or(addr, |a| a);
    let router = axum::Router::new().route(
        "/callback",
        card_client::callback::axum::post(handler, on_action),
    );
    tokio::spawn(async move {
        if let Err(err) = axum::serve(listener, router).await {
            eprintln!("error: the card callback route stopped: {err}");
        }
    });
    let url = format!("http://{bound}/callback");
    eprintln!("mcp: card callbacks at {url}");
    Ok(url)
}

async fn http(
    server: Server,
    addr: SocketAddr,
    stop: impl std::future::Future<Output = ()> + Send + 'static,
) -> ExitCode {
    use rmcp::transport::streamable_http_server::session::local::LocalSessionManager;
    use rmcp::transport::{StreamableHttpServerConfig, StreamableHttpService};

    let mut config = StreamableHttpServerConfig::default();
    if !addr.ip().is_loopback() {
        let mut hosts = config.allowed_hosts.clone();
        hosts.push(addr.ip().to_string());
        config = config.with_allowed_hosts(hosts);
    }
    let service = StreamableHttpService::new(
        move || Ok(server.clone()),
        Arc::new(LocalSessionManager::default()),
        config,
    );
    let router = axum::Router::new().nest_service("/mcp", service);
    let listener = match tokio::net::TcpListener::bind(addr).await {
        Ok(listener) => listener,
        Err(err) => {
            eprintln!("error: cannot listen on {addr}: {err}");
            return ExitCode::from(EXIT_USAGE);
        }
    };
    let bound = listener.local_addr().map_or(addr, |a| a);
    eprintln!("mcp: serving streamable HTTP at http://{bound}/mcp (Ctrl-C or SIGTERM stops)");
    let (stopping_tx, stopping) = tokio::sync::oneshot::channel::<()>();
    let stop = async move {
        stop.await;
        let _ = stopping_tx.send(());
    };
    let serving = std::future::IntoFuture::into_future(
        axum::serve(listener, router).with_graceful_shutdown(stop),
    );
    // Open event streams would keep a graceful shutdown waiting for ever: give them a while.
    let overdue = async move {
        match stopping.await {
            Ok(()) => tokio::time::sleep(STOP_WAIT).await,
            Err(_) => std::future::pending::<()>().await,
        }
    };
    let served = tokio::select! {
        served = serving => served,
        () = overdue => Ok(()),
    };
    match served {
        Ok(()) => ExitCode::SUCCESS,
        Err(err) => {
            eprintln!("error: the HTTP server stopped: {err}");
            ExitCode::from(EXIT_API)
        }
    }
}

/// How long the MCP sessions may take to end once a signal said to stop.
const STOP_WAIT: Duration = Duration::from_secs(3);

/// Resolves on Ctrl-C (SIGINT) or SIGTERM, whose handlers are installed at once (not on the
/// first poll); never when no handler can be installed.
fn stop_signal() -> impl std::future::Future<Output = ()> + Send + 'static {
    #[cfg(unix)]
    {
        use tokio::signal::unix::{signal, SignalKind};
        let interrupt = signal(SignalKind::interrupt()).ok();
        let terminate = signal(SignalKind::terminate()).ok();
        async move {
            let wait = |s: Option<tokio::signal::unix::Signal>| async move {
                match s {
                    Some(mut s) => {
                        s.recv().await;
                    }
                    None => std::future::pending::<()>().await,
                }
            };
            tokio::select! {
                () = wait(interrupt) => {}
                () = wait(terminate) => {}
            }
        }
    }
    #[cfg(not(unix))]
    async {
        if tokio::signal::ctrl_c().await.is_err() {
            std::future::pending::<()>().await;
        }
    }
}

impl Server {
    fn emulator_state(&self) -> Option<Value> {
        let emulator = self.shared.emulator.as_ref()?;
        let requests: Vec<Value> = emulator
            .requests()
            .into_iter()
            .map(
                |r| json!({"method": r.method, "path": r.path, "status": r.status, "code": r.code}),
            )
            .collect();
        let messages: Vec<Value> = emulator
            .messages()
            .into_iter()
            .map(|m| {
                json!({
                    "message_id": m.message_id,
                    "chat_id": m.chat_id,
                    "receive_id": m.receive_id,
                    "parent_id": m.parent_id,
                    "card_id": m.card_id,
                    "updated": m.updated,
                    "card": m.card,
                })
            })
            .collect();
        let mut card_ids: Vec<String> = Vec::new();
        for id in emulator.messages().into_iter().filter_map(|m| m.card_id) {
            if !card_ids.contains(&id) {
                card_ids.push(id);
            }
        }
        let cards: Vec<Value> = card_ids
            .iter()
            .filter_map(|id| emulator.card(id))
            .map(|c| {
                json!({
                    "card_id": c.card_id,
                    "streaming": !matches!(c.streaming, card_client::emulator::Streaming::Off),
                    "json": c.json,
                })
            })
            .collect();
        let deliveries: Vec<Value> = emulator
            .long_connection_deliveries()
            .into_iter()
            .map(|d| {
                let outcome = match &d.outcome {
                    DeliveryOutcome::Acked { code, .. } => json!({"acked": code}),
                    other => json!(format!("{other:?}")),
                };
                json!({
                    "event_id": d.event_id,
                    "event_type": d.event_type,
                    "attempt": d.attempt,
                    "outcome": outcome,
                })
            })
            .collect();
        Some(json!({
            "answers_via": self.shared.via.name(),
            "long_connections": emulator.long_connections().len(),
            "long_connection_deliveries": deliveries,
            "request_count": requests.len(),
            "requests": requests,
            "messages": messages,
            "cards": cards,
            "questions_waiting": self.shared.questions.waiting(),
        }))
    }
}

impl ServerHandler for Server {
    fn get_info(&self) -> ServerConfig {
        ServerConfig::new(
            ServerCapabilities::builder()
                .enable_tools()
                .enable_resources()
                .enable_prompts()
                .build(),
        )
        .with_server_info(Implementation::new(
            "feishu-card",
            env!("CARGO_PKG_VERSION"),
        ))
        .with_instructions(
            "Feishu/Lark interactive cards (Card JSON 2.0), checked before anything is sent. \
             Read the prompt `feishu_cards` for when to send a card, and the resource \
             feishu-card://reference for every component.",
        )
    }

    async fn list_tools(
        &self,
        _request: Option<PaginatedRequestParams>,
        _context: RequestContext<RoleServer>,
    ) -> Result<ListToolsResult, McpError> {
        let tools = tools::definitions()
            .into_iter()
            .map(|d| Tool::new(d.name, d.description, d.schema))
            .collect();
        Ok(ListToolsResult::with_all_items(tools))
    }

    async fn call_tool(
        &self,
        request: CallToolRequestParams,
        _context: RequestContext<RoleServer>,
    ) -> Result<CallToolResponse, McpError> {
        let args = request.arguments.unwrap_or_default();
        match tools::call(&self.shared, &request.name, &args).await {
            None => Err(McpError::invalid_params(
                format!(
                    "unknown tool `{}`; the tools are {}",
                    request.name,
                    tools::NAMES.join(", ")
                ),
                None,
            )),
            Some(Ok(value)) => Ok(CallToolResult::structured(value).into()),
            Some(Err(args::ToolError(value))) => Ok(CallToolResult::structured_error(value).into()),
        }
    }

    async fn list_resources(
        &self,
        _request: Option<PaginatedRequestParams>,
        _context: RequestContext<RoleServer>,
    ) -> Result<ListResourcesResult, McpError> {
        let mut list = vec![Resource::new(resources::REFERENCE_URI, "component-reference")
            .with_title("Card JSON 2.0 component reference")
            .with_description(
                "Every component, property, value, nesting rule and limit, generated from the validator's own registry",
            )
            .with_mime_type("text/markdown")];
        for t in resources::TEMPLATES {
            list.push(
                Resource::new(
                    resources::template_uri(t.name),
                    format!("template-{}", t.name),
                )
                .with_description(t.description)
                .with_mime_type("application/json"),
            );
        }
        if self.shared.emulator.is_some() {
            list.push(
                Resource::new(resources::EMULATOR_STATE_URI, "emulator-state")
                    .with_description(
                        "The built-in emulator's request log (with the long connection's own \
                         requests), messages and cards, how feishu_ask_user's answers arrive \
                         (answers_via), and each event delivered over the long connection \
                         (--emulator only)",
                    )
                    .with_mime_type("application/json"),
            );
        }
        Ok(ListResourcesResult::with_all_items(list))
    }

    async fn read_resource(
        &self,
        request: ReadResourceRequestParams,
        _context: RequestContext<RoleServer>,
    ) -> Result<ReadResourceResponse, McpError> {
        let uri = request.uri.as_str();
        let (text, mime) = if uri == resources::REFERENCE_URI {
            (card_core::registry::reference::markdown(), "text/markdown")
        } else if let Some(t) = resources::template(uri) {
            (t.json.to_owned(), "application/json")
        } else if uri == resources::EMULATOR_STATE_URI {
            match self.emulator_state() {
                Some(state) => (state.to_string(), "application/json"),
                None => {
                    return Err(McpError::resource_not_found(
                        "the emulator's state exists only with --emulator",
                        None,
                    ))
                }
            }
        } else {
            return Err(McpError::resource_not_found(
                format!("no resource `{uri}`; list the resources to see them"),
                None,
            ));
        };
        Ok(
            ReadResourceResult::new(vec![ResourceContents::text(text, uri).with_mime_type(mime)])
                .into(),
        )
    }

    async fn list_prompts(
        &self,
        _request: Option<PaginatedRequestParams>,
        _context: RequestContext<RoleServer>,
    ) -> Result<ListPromptsResult, McpError> {
        Ok(ListPromptsResult::with_all_items(vec![Prompt::new(
            resources::PROMPT_NAME,
            Some("When to send a Feishu card instead of text, and how to write one that Feishu accepts"),
            None,
        )]))
    }

    async fn get_prompt(
        &self,
        request: GetPromptRequestParams,
        _context: RequestContext<RoleServer>,
    ) -> Result<GetPromptResponse, McpError> {
        if request.name != resources::PROMPT_NAME {
            return Err(McpError::invalid_params(
                format!(
                    "no prompt `{}`; the prompt is `{}`",
                    request.name,
                    resources::PROMPT_NAME
                ),
                None,
            ));
        }
        Ok(GetPromptResult::new(vec![PromptMessage::new_text(
            Role::User,
            resources::prompt_text(),
        )])
        .with_description("Sending Feishu cards well")
        .into())
    }
}

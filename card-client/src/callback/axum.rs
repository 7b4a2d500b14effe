//! Serving card callbacks from an [axum](https://docs.rs/axum) router (feature `axum`).
//!
//! ```no_run
//! use card_client::callback::{self, Answer, CallbackConfig, CardAction, Deferred, Toast};
//!
//! async fn on_card(action: CardAction, _later: Deferred) -> Answer {
//!     Answer::toast(Toast::success(format!("Thanks, {}", action.operator.open_id)))
//! }
//!
//! # async fn demo() -> std::io::Result<()> {
//! let handler = CallbackConfig::new("verification-token").encrypt_key("encrypt-key").build();
//! let app = axum::Router::new().route("/feishu/card", callback::axum::post(handler, on_card));
//! let listener = tokio::net::TcpListener::bind("0.0.0.0:3000").await?;
//! axum::serve(listener, app).await
//! # }
//! ```

use std::convert::Infallible;
use std::future::Future;
use std::pin::Pin;
use std::task::{Context, Poll};

use axum::body::{Body, Bytes};
use axum::extract::Request;
use axum::http::{header, HeaderValue, StatusCode};
use axum::response::Response;
use axum::routing::MethodRouter;
use http_body::{Frame, SizeHint};
use http_body_util::BodyExt;

use super::{Answer, AnswerSent, CallbackError, CallbackHandler, CardAction, Deferred, HttpAnswer};

/// A `POST` route that feeds each request's headers and body to `handler`, runs `callback` on
/// card actions, and marks the answer sent once axum has written it, so delayed updates start
/// right after it.
///
/// The body is read up to the handler's limit and no further.
pub fn post<F, Fut, S>(handler: CallbackHandler, callback: F) -> MethodRouter<S>
where
    F: Fn(CardAction, Deferred) -> Fut + Clone + Send + Sync + 'static,
    Fut: Future<Output = Answer> + Send + 'static,
    S: Clone + Send + Sync + 'static,
{
    axum::routing::post(move |request: Request| {
        let handler = handler.clone();
        let callback = callback.clone();
        async move { serve(&handler, request, callback).await }
    })
}

async fn serve<F, Fut>(handler: &CallbackHandler, request: Request, callback: F) -> Response
where
    F: FnOnce(CardAction, Deferred) -> Fut,
    Fut: Future<Output = Answer> + Send + 'static,
{
    let (parts, body) = request.into_parts();
    let answer = match read_body(body, handler.body_limit()).await {
        Ok(bytes) => handler.handle(&parts.headers, &bytes, callback).await,
        Err(error) => handler.refuse(error),
    };
    into_response(answer)
}

async fn read_body(mut body: Body, limit: usize) -> Result<Vec<u8>, CallbackError> {
    let mut bytes = Vec::new();
    while let Some(frame) = body.frame().await {
        let frame = frame.map_err(|e| CallbackError::BodyUnreadable {
            reason: e.to_string(),
        })?;
        if let Ok(data) = frame.into_data() {
            if bytes.len() + data.len() > limit {
                return Err(CallbackError::BodyTooLarge { limit });
            }
            bytes.extend_from_slice(&data);
        }
    }
    Ok(bytes)
}

fn into_response(answer: HttpAnswer) -> Response {
    let status = StatusCode::from_u16(answer.status()).unwrap_or(StatusCode::INTERNAL_SERVER_ERROR);
    let content_type = HeaderValue::from_static(answer.content_type());
    let sent = answer.sent_signal();
    let mut response = Response::new(Body::new(MarkedBody {
        data: Some(Bytes::from(answer.into_body())),
        sent,
    }));
    *response.status_mut() = status;
    response
        .headers_mut()
        .insert(header::CONTENT_TYPE, content_type);
    response
}

/// The answer's bytes; the server drops the body once it has written it out, which marks the
/// answer sent.
struct MarkedBody {
    data: Option<Bytes>,
    sent: AnswerSent,
}

impl http_body::Body for MarkedBody {
    type Data = Bytes;
    type Error = Infallible;

    fn poll_frame(
        mut self: Pin<&mut Self>,
        _cx: &mut Context<'_>,
    ) -> Poll<Option<Result<Frame<Bytes>, Infallible>>> {
        Poll::Ready(self.data.take().map(|data| Ok(Frame::data(data))))
    }

    fn is_end_stream(&self) -> bool {
        self.data.is_none()
    }

    fn size_hint(&self) -> SizeHint {
        SizeHint::with_exact(self.data.as_ref().map_or(0, |d| d.len() as u64))
    }
}

impl Drop for MarkedBody {
    fn drop(&mut self) {
        self.sent.mark();
    }
}

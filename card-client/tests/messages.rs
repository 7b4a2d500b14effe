//! Messages (send, reply, patch) and delayed updates against the emulator.

mod common;

use std::time::Duration;

use card_client::{
    CallbackToken, CallbackTokenError, CardContent, CreateCard, DelayedUpdate, Error, PatchMessage,
    ReceiveIdType, ReplyMessage, SendMessage, Template, UpdateCard,
};
use common::{card, setup};
use serde_json::json;

#[tokio::test]
async fn send_reaches_every_kind_of_receiver() {
    let (feishu, client) = setup().await;
    let targets = [
        (ReceiveIdType::ChatId, "oc_team", "oc_team"),
        (ReceiveIdType::OpenId, "ou_alice", "oc_p2p_ou_alice"),
        (ReceiveIdType::UnionId, "on_bob", "oc_p2p_on_bob"),
        (ReceiveIdType::UserId, "4d7a3c6g", "oc_p2p_4d7a3c6g"),
        (
            ReceiveIdType::Email,
            "carol@example.com",
            "oc_p2p_carol_example_com",
        ),
    ];
    for (kind, id, chat) in targets {
        let sent = client
            .messages()
            .send(SendMessage::new(kind, id, card(id)))
            .await
            .expect("sent");
        assert_eq!(sent.chat_id, chat);
        assert_eq!(sent.msg_type, "interactive");
        let stored = feishu.messages_to(id);
        assert_eq!(stored.len(), 1, "{id}");
        assert_eq!(stored[0].message_id, sent.message_id);
        assert_eq!(stored[0].receive_id_type, kind.as_str());
        assert_eq!(stored[0].card, card(id));
        assert_eq!(feishu.messages_in_chat(chat).len(), 1);
    }
    let queries: Vec<_> = feishu
        .requests()
        .into_iter()
        .filter(|r| r.path == "/open-apis/im/v1/messages")
        .filter_map(|r| r.query)
        .collect();
    assert_eq!(
        queries,
        [
            "receive_id_type=chat_id",
            "receive_id_type=open_id",
            "receive_id_type=union_id",
            "receive_id_type=user_id",
            "receive_id_type=email"
        ]
    );
}

#[tokio::test]
async fn send_to_a_malformed_receiver_is_a_typed_api_error() {
    let (feishu, client) = setup().await;
    let err = client
        .messages()
        .send(SendMessage::new(
            ReceiveIdType::ChatId,
            "not-a-chat",
            card("x"),
        ))
        .await
        .expect_err("refused");
    assert_eq!(err.code(), Some(230034));
    assert!(err.log_id().is_some(), "{err}");
    assert!(!err.is_retryable());
    let empty = client
        .messages()
        .send(SendMessage::to_chat("", card("x")))
        .await
        .expect_err("refused locally");
    assert!(matches!(empty, Error::InvalidArgument(_)));
    assert!(feishu.messages().is_empty());
}

#[tokio::test]
async fn an_invalid_card_is_refused_with_diagnostics_and_no_request() {
    let (feishu, client) = setup().await;
    let invalid = json!({
        "schema": "2.0",
        "body": {"elements": [{"tag": "no_such_component", "content": "x"}]}
    });
    assert!(
        card_core::validate::validate_value(&invalid).has_errors(),
        "the validator must reject this card for the test to mean anything"
    );
    let err = client
        .messages()
        .send(SendMessage::to_chat("oc_team", invalid.clone()))
        .await
        .expect_err("refused");
    let diagnostics = err.diagnostics().expect("diagnostics");
    assert!(diagnostics.has_errors());
    assert!(err.is_invalid_card());
    assert!(err.to_string().contains("nothing was sent"), "{err}");
    let reply = client
        .messages()
        .reply(ReplyMessage::new("om_1", invalid.clone()))
        .await;
    assert!(matches!(reply, Err(Error::InvalidCard(_))), "{reply:?}");
    let patch = client
        .messages()
        .patch(PatchMessage::new("om_1", invalid.clone()))
        .await;
    assert!(matches!(patch, Err(Error::InvalidCard(_))), "{patch:?}");
    let create = client
        .cards()
        .create(CreateCard::new(invalid.clone()))
        .await;
    assert!(matches!(create, Err(Error::InvalidCard(_))), "{create:?}");
    let update = client
        .cards()
        .update(UpdateCard::new("7355372766134157313", invalid.clone()))
        .await;
    assert!(matches!(update, Err(Error::InvalidCard(_))), "{update:?}");
    let delayed = client
        .delayed()
        .update(&CallbackToken::new("c-1"), DelayedUpdate::new(invalid))
        .await;
    assert!(matches!(delayed, Err(Error::InvalidCard(_))), "{delayed:?}");
    assert!(feishu.requests().is_empty(), "{:?}", feishu.requests());
}

#[tokio::test]
async fn a_caller_uuid_makes_a_repeated_send_return_the_first_message() {
    let (feishu, client) = setup().await;
    let first = client
        .messages()
        .send(SendMessage::to_chat("oc_team", card("once")).uuid("deploy-42"))
        .await
        .expect("sent");
    let again = client
        .messages()
        .send(SendMessage::to_chat("oc_team", card("once")).uuid("deploy-42"))
        .await
        .expect("sent");
    assert_eq!(first.message_id, again.message_id);
    assert_eq!(feishu.messages_in_chat("oc_team").len(), 1);
    let too_long = client
        .messages()
        .send(SendMessage::to_chat("oc_team", card("x")).uuid("u".repeat(51)))
        .await
        .expect_err("refused");
    assert!(matches!(too_long, Error::InvalidArgument(_)));
}

#[tokio::test]
async fn reply_keeps_the_tree_and_threads() {
    let (feishu, client) = setup().await;
    let root = client
        .messages()
        .send(SendMessage::to_chat("oc_team", card("question")))
        .await
        .expect("sent");
    let reply = client
        .messages()
        .reply(ReplyMessage::new(&root.message_id, card("answer")))
        .await
        .expect("replied");
    assert_eq!(reply.parent_id.as_deref(), Some(root.message_id.as_str()));
    assert_eq!(reply.root_id.as_deref(), Some(root.message_id.as_str()));
    assert_eq!(reply.thread_id, None);
    assert_eq!(reply.chat_id, "oc_team");
    let threaded = client
        .messages()
        .reply(ReplyMessage::new(&reply.message_id, card("in thread")).in_thread(true))
        .await
        .expect("replied");
    assert!(threaded.thread_id.is_some());
    assert_eq!(threaded.root_id.as_deref(), Some(root.message_id.as_str()));
    let follow_up = client
        .messages()
        .reply(ReplyMessage::new(
            &threaded.message_id,
            card("still in thread"),
        ))
        .await
        .expect("replied");
    assert_eq!(
        follow_up.thread_id, threaded.thread_id,
        "a reply in a thread stays there"
    );
    assert_eq!(feishu.messages_in_chat("oc_team").len(), 4);
}

#[tokio::test]
async fn reply_failure_modes() {
    let (_feishu, client) = setup().await;
    let unknown = client
        .messages()
        .reply(ReplyMessage::new("om_missing", card("x")))
        .await
        .expect_err("no such message");
    assert_eq!(unknown.code(), Some(230001));
    let bad_id = client
        .messages()
        .reply(ReplyMessage::new("om_../x", card("x")))
        .await
        .expect_err("refused locally");
    assert!(matches!(bad_id, Error::InvalidArgument(_)));
}

#[tokio::test]
async fn patch_replaces_the_card_within_fourteen_days() {
    let (feishu, client) = setup().await;
    let sent = client
        .messages()
        .send(SendMessage::to_chat("oc_team", card("v1")))
        .await
        .expect("sent");
    client
        .messages()
        .patch(PatchMessage::new(&sent.message_id, card("v2")))
        .await
        .expect("patched");
    let stored = feishu.message(&sent.message_id).expect("stored");
    assert_eq!(stored.card, card("v2"));
    assert!(stored.updated);

    feishu.advance(Duration::from_secs(14 * 24 * 3600));
    let late = client
        .messages()
        .patch(PatchMessage::new(&sent.message_id, card("v3")))
        .await
        .expect_err("too old");
    assert_eq!(late.code(), Some(230031));
    let unknown = client
        .messages()
        .patch(PatchMessage::new("om_missing", card("v3")))
        .await
        .expect_err("unknown");
    assert_eq!(unknown.code(), Some(230001));
    let entity = client
        .messages()
        .patch(PatchMessage::new(
            &sent.message_id,
            CardContent::entity("1"),
        ))
        .await
        .expect_err("refused locally");
    assert!(matches!(entity, Error::InvalidArgument(_)));
}

#[tokio::test]
async fn templates_are_rendered_and_unknown_ones_refused() {
    let (feishu, client) = setup().await;
    feishu.register_template(
        "AAqkTemplate",
        "1.0.0",
        json!({"schema": "2.0", "body": {"elements": [
            {"tag": "markdown", "element_id": "md", "content": "Build ${build} is ${status}"}
        ]}}),
    );
    let template = Template::new("AAqkTemplate")
        .version("1.0.0")
        .variables(json!({"build": 42, "status": "green"}));
    let sent = client
        .messages()
        .send(SendMessage::to_chat("oc_team", template))
        .await
        .expect("sent");
    let stored = feishu.message(&sent.message_id).expect("stored");
    assert_eq!(
        stored.card["body"]["elements"][0]["content"],
        "Build 42 is green"
    );

    let err = client
        .messages()
        .send(SendMessage::to_chat(
            "oc_team",
            Template::new("AAqkMissing"),
        ))
        .await
        .expect_err("unknown template");
    assert_eq!(err.code(), Some(230099));
    let card_error = err
        .api()
        .and_then(|a| a.card_error.clone())
        .expect("sub-code");
    assert_eq!(card_error.code, Some(200380));
    assert!(err.is_invalid_card());
}

#[tokio::test]
async fn an_entity_is_sent_once_and_its_message_follows_it() {
    let (feishu, client) = setup().await;
    let card_id = client
        .cards()
        .create(CreateCard::new(card("entity v1")))
        .await
        .expect("created");
    let sent = client
        .messages()
        .send(SendMessage::to_chat(
            "oc_team",
            CardContent::entity(&card_id),
        ))
        .await
        .expect("sent");
    client
        .cards()
        .update(UpdateCard::new(&card_id, card("entity v2")))
        .await
        .expect("updated");
    let stored = feishu.message(&sent.message_id).expect("stored");
    assert_eq!(stored.card_id.as_deref(), Some(card_id.as_str()));
    assert_eq!(stored.card, card("entity v2"));

    let twice = client
        .messages()
        .reply(ReplyMessage::new(
            &sent.message_id,
            CardContent::entity(&card_id),
        ))
        .await
        .expect_err("sent once only");
    assert_eq!(twice.code(), Some(230099));
    assert_eq!(
        twice
            .api()
            .and_then(|a| a.card_error.as_ref())
            .and_then(|c| c.code),
        Some(11310)
    );

    let unknown = client
        .messages()
        .send(SendMessage::to_chat(
            "oc_team",
            CardContent::entity("7000000000000000001"),
        ))
        .await
        .expect_err("unknown entity");
    assert!(unknown.is_entity_gone(), "{unknown}");
}

#[tokio::test]
async fn delayed_update_allows_two_uses_and_refuses_a_third_locally() {
    let (feishu, client) = setup().await;
    let sent = client
        .messages()
        .send(SendMessage::to_chat("oc_team", card("pending")))
        .await
        .expect("sent");
    let token = CallbackToken::new(feishu.mint_callback_token(&sent.message_id).expect("token"));
    client
        .delayed()
        .update(&token, DelayedUpdate::new(card("approved")))
        .await
        .expect("first use");
    assert_eq!(
        feishu.message(&sent.message_id).expect("stored").card,
        card("approved")
    );
    client
        .delayed()
        .update(&token.clone(), DelayedUpdate::new(card("approved twice")))
        .await
        .expect("second use");
    feishu.clear_requests();
    let third = client
        .delayed()
        .update(&token, DelayedUpdate::new(card("three")))
        .await
        .expect_err("refused");
    assert!(matches!(
        third,
        Error::CallbackToken(CallbackTokenError::UsedUp { uses: 2 })
    ));
    assert!(
        feishu.requests().is_empty(),
        "no request for a used-up token"
    );
    assert_eq!(
        feishu.message(&sent.message_id).expect("stored").card,
        card("approved twice")
    );
}

#[tokio::test]
async fn delayed_update_failure_modes() {
    let (feishu, client) = setup().await;
    let sent = client
        .messages()
        .send(SendMessage::to_chat("oc_team", card("pending")))
        .await
        .expect("sent");

    // Old on the client's clock: refused locally. A client whose clock runs a million times
    // faster sees the 30 minutes pass in 1.8 ms.
    let hasty = feishu
        .client()
        .time_scale(1_000_000.0)
        .build()
        .expect("client");
    let stale = CallbackToken::new("c-whatever");
    tokio::time::sleep(Duration::from_millis(5)).await;
    feishu.clear_requests();
    let err = hasty
        .delayed()
        .update(&stale, DelayedUpdate::new(card("x")))
        .await
        .expect_err("expired");
    assert!(matches!(
        err,
        Error::CallbackToken(CallbackTokenError::Expired { .. })
    ));
    assert_eq!(stale.uses(), 0, "a refused token keeps its uses");
    assert!(feishu.requests().is_empty());

    // Old on Feishu's clock: Feishu says 300030.
    let token = CallbackToken::new(feishu.mint_callback_token(&sent.message_id).expect("token"));
    feishu.advance(Duration::from_secs(31 * 60));
    let err = client
        .delayed()
        .update(&token, DelayedUpdate::new(card("x")))
        .await
        .expect_err("expired at Feishu");
    assert_eq!(err.code(), Some(300030));

    let forged = CallbackToken::new("c-forged");
    let err = client
        .delayed()
        .update(&forged, DelayedUpdate::new(card("x")))
        .await
        .expect_err("unknown token");
    assert_eq!(err.code(), Some(300020));

    let entity = client
        .delayed()
        .update(
            &CallbackToken::new("c-1"),
            DelayedUpdate::new(CardContent::entity("1")),
        )
        .await
        .expect_err("refused locally");
    assert!(matches!(entity, Error::InvalidArgument(_)));
}

#[tokio::test]
async fn a_typed_card_is_sent_as_its_json() {
    use card_core::model::{Card, Markdown};

    let (feishu, client) = setup().await;
    let typed = Card::new().element(Markdown::new("**typed** card"));
    let expected = typed.to_value();
    let sent = client
        .messages()
        .send(SendMessage::to_chat("oc_team", typed))
        .await
        .expect("sent");
    assert_eq!(
        feishu.message(&sent.message_id).expect("stored").card,
        expected
    );
}

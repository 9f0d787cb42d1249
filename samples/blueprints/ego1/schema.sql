-- Tables of the sample chat bot, run in the clone's own database by the clone's user.
-- MariaDB / MySQL 8 syntax; every table is utf8mb4 so names and messages keep their emoji.
-- Statements are idempotent so running the schema twice does no harm.

CREATE TABLE IF NOT EXISTS users (
    id            BIGINT UNSIGNED NOT NULL AUTO_INCREMENT,
    external_id   VARCHAR(64)     NOT NULL COMMENT 'user id on the messenger',
    platform      ENUM('telegram', 'vk', 'web') NOT NULL DEFAULT 'telegram',
    user_name     VARCHAR(255)    NULL,
    display_name  VARCHAR(255)    NULL,
    language      VARCHAR(8)      NOT NULL DEFAULT 'en',
    is_blocked    TINYINT(1)      NOT NULL DEFAULT 0,
    created_at    DATETIME        NOT NULL DEFAULT CURRENT_TIMESTAMP,
    updated_at    DATETIME        NOT NULL DEFAULT CURRENT_TIMESTAMP ON UPDATE CURRENT_TIMESTAMP,
    PRIMARY KEY (id),
    UNIQUE KEY ux_users_platform_external (platform, external_id),
    KEY ix_users_created (created_at)
) ENGINE=InnoDB DEFAULT CHARSET=utf8mb4 COLLATE=utf8mb4_unicode_ci;

CREATE TABLE IF NOT EXISTS chats (
    id            BIGINT UNSIGNED NOT NULL AUTO_INCREMENT,
    user_id       BIGINT UNSIGNED NOT NULL,
    external_id   VARCHAR(64)     NOT NULL COMMENT 'chat id on the messenger',
    title         VARCHAR(255)    NULL,
    state         VARCHAR(32)     NOT NULL DEFAULT 'active',
    created_at    DATETIME        NOT NULL DEFAULT CURRENT_TIMESTAMP,
    last_message_at DATETIME      NULL,
    PRIMARY KEY (id),
    UNIQUE KEY ux_chats_external (external_id),
    KEY ix_chats_user (user_id, last_message_at),
    CONSTRAINT fk_chats_user FOREIGN KEY (user_id) REFERENCES users (id) ON DELETE CASCADE
) ENGINE=InnoDB DEFAULT CHARSET=utf8mb4 COLLATE=utf8mb4_unicode_ci;

CREATE TABLE IF NOT EXISTS messages (
    id            BIGINT UNSIGNED NOT NULL AUTO_INCREMENT,
    chat_id       BIGINT UNSIGNED NOT NULL,
    direction     ENUM('in', 'out') NOT NULL,
    body          TEXT            NOT NULL,
    tokens_used   INT UNSIGNED    NOT NULL DEFAULT 0,
    created_at    DATETIME(3)     NOT NULL DEFAULT CURRENT_TIMESTAMP(3),
    PRIMARY KEY (id),
    KEY ix_messages_chat_created (chat_id, created_at),
    CONSTRAINT fk_messages_chat FOREIGN KEY (chat_id) REFERENCES chats (id) ON DELETE CASCADE
) ENGINE=InnoDB DEFAULT CHARSET=utf8mb4 COLLATE=utf8mb4_unicode_ci;

CREATE TABLE IF NOT EXISTS subscriptions (
    id            BIGINT UNSIGNED NOT NULL AUTO_INCREMENT,
    user_id       BIGINT UNSIGNED NOT NULL,
    plan          VARCHAR(32)     NOT NULL,
    status        ENUM('trial', 'active', 'past_due', 'cancelled', 'expired') NOT NULL,
    price_cents   INT UNSIGNED    NOT NULL,
    currency      CHAR(3)         NOT NULL DEFAULT 'RUB',
    started_at    DATETIME        NOT NULL DEFAULT CURRENT_TIMESTAMP,
    renews_at     DATETIME        NULL,
    cancelled_at  DATETIME        NULL,
    PRIMARY KEY (id),
    KEY ix_subscriptions_user (user_id, status),
    KEY ix_subscriptions_renews (status, renews_at),
    CONSTRAINT fk_subscriptions_user FOREIGN KEY (user_id) REFERENCES users (id)
) ENGINE=InnoDB DEFAULT CHARSET=utf8mb4 COLLATE=utf8mb4_unicode_ci;

CREATE TABLE IF NOT EXISTS invoices (
    id              BIGINT UNSIGNED NOT NULL AUTO_INCREMENT,
    subscription_id BIGINT UNSIGNED NOT NULL,
    number          VARCHAR(32)     NOT NULL,
    amount_cents    INT UNSIGNED    NOT NULL,
    currency        CHAR(3)         NOT NULL DEFAULT 'RUB',
    status          ENUM('open', 'paid', 'void') NOT NULL DEFAULT 'open',
    period_start    DATE            NOT NULL,
    period_end      DATE            NOT NULL,
    issued_at       DATETIME        NOT NULL DEFAULT CURRENT_TIMESTAMP,
    paid_at         DATETIME        NULL,
    PRIMARY KEY (id),
    UNIQUE KEY ux_invoices_number (number),
    KEY ix_invoices_subscription (subscription_id, status),
    CONSTRAINT fk_invoices_subscription FOREIGN KEY (subscription_id)
        REFERENCES subscriptions (id)
) ENGINE=InnoDB DEFAULT CHARSET=utf8mb4 COLLATE=utf8mb4_unicode_ci;

CREATE TABLE IF NOT EXISTS payments (
    id            BIGINT UNSIGNED NOT NULL AUTO_INCREMENT,
    invoice_id    BIGINT UNSIGNED NOT NULL,
    provider      VARCHAR(32)     NOT NULL,
    provider_ref  VARCHAR(128)    NOT NULL COMMENT 'the payment id at the provider',
    amount_cents  INT UNSIGNED    NOT NULL,
    status        ENUM('pending', 'succeeded', 'failed', 'refunded') NOT NULL,
    created_at    DATETIME        NOT NULL DEFAULT CURRENT_TIMESTAMP,
    PRIMARY KEY (id),
    UNIQUE KEY ux_payments_provider_ref (provider, provider_ref),
    KEY ix_payments_invoice (invoice_id),
    CONSTRAINT fk_payments_invoice FOREIGN KEY (invoice_id) REFERENCES invoices (id)
) ENGINE=InnoDB DEFAULT CHARSET=utf8mb4 COLLATE=utf8mb4_unicode_ci;

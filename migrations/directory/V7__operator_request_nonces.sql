-- Nonces of operator requests signed with HTTP Message Signatures (RFC 9421), each accepted once. Several control
-- plane instances share this table, so a request replayed to another instance is refused too. A row is kept until
-- the signature's acceptance window has passed (`expires_at`); after that the request is refused for its age
-- anyway, so the row may go: the control plane deletes expired rows as it records new ones.
create table operator_request_nonces (
    key_id     text not null check (length(key_id) between 1 and 100),
    nonce      text not null check (length(nonce) between 1 and 200),
    expires_at timestamptz not null,
    primary key (key_id, nonce)
);
create index operator_request_nonces_expiry on operator_request_nonces (expires_at);

-- `update (expires_at)` only: an expired row is taken over (insert … on conflict do update), and the clean-up locks
-- the rows it deletes (for update skip locked) so instances never wait for each other.
grant select, insert, delete, update (expires_at) on operator_request_nonces to ${controlRole};

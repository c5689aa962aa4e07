//! The transaction layer as one sans-I/O endpoint: it owns every client
//! and server transaction, routes received messages to them (or to the
//! transaction user), runs their timers from the instants the caller
//! passes in, and queues what must be sent and told.
//!
//! Drive it like quinn-proto's `Endpoint`: after any `handle_*` or
//! `send_*` call, drain [`TransactionLayer::poll_output`]; arm one timer
//! for [`TransactionLayer::poll_timeout`] and call
//! [`TransactionLayer::handle_timeout`] when it fires.

use super::branch::Branches;
use super::client::ClientTransaction;
use super::config::Config;
use super::error::SendError;
use super::events::{Event, Input, Link, Output};
use super::key::TransactionKey;
use super::return_path;
use super::server::ServerTransaction;
use super::state::State;
use super::timers::Deadlines;
use super::top_via::edit_top_via;
use super::transport::Transport;
use crate::message::{Message, Request, Response};
use crate::method::Method;
use crate::text::Text;
use std::collections::{BTreeSet, HashMap, VecDeque};
use std::net::SocketAddr;
use std::time::Instant;

/// Every transaction of one SIP endpoint.
#[derive(Debug)]
pub struct TransactionLayer {
    config: Config,
    branches: Branches,
    next_id: u64,
    ids: HashMap<TransactionKey, u64>,
    /// Boxed: an entry is some 650 bytes, and a table that grows moves
    /// every entry it holds.
    entries: HashMap<u64, Box<Entry>>,
    /// The earliest deadline of each transaction that has one.
    deadlines: BTreeSet<(Instant, u64)>,
    /// Scratch list of transactions whose deadline passed.
    due: Vec<u64>,
    /// Where the grid of lax ends starts (see [`Deadlines::wake_at`]).
    epoch: Instant,
    outputs: VecDeque<Output>,
}

#[derive(Debug)]
struct Entry {
    /// The deadline this entry has in `deadlines`.
    armed: Option<Instant>,
    transaction: Transaction,
}

#[derive(Debug)]
enum Transaction {
    Client(ClientTransaction),
    Server(ServerTransaction),
}

impl Transaction {
    fn state(&self) -> State {
        match self {
            Transaction::Client(t) => t.state(),
            Transaction::Server(t) => t.state(),
        }
    }

    fn key(&self) -> &TransactionKey {
        match self {
            Transaction::Client(t) => t.key(),
            Transaction::Server(t) => t.key(),
        }
    }

    fn deadlines(&self) -> Deadlines {
        match self {
            Transaction::Client(t) => t.deadlines(),
            Transaction::Server(t) => t.deadlines(),
        }
    }

    fn on_timeout(&mut self, now: Instant, out: &mut VecDeque<Output>) {
        match self {
            Transaction::Client(t) => t.on_timeout(now, out),
            Transaction::Server(t) => t.on_timeout(now, out),
        }
    }

    fn on_transport_error(&mut self, out: &mut VecDeque<Output>) {
        match self {
            Transaction::Client(t) => t.on_transport_error(out),
            Transaction::Server(t) => t.on_transport_error(out),
        }
    }
}

impl TransactionLayer {
    /// A layer with no transactions. `seed` makes this layer's branches
    /// unguessable and distinct from other runs: pass random bits from
    /// the OS.
    pub fn new(config: Config, seed: u64) -> TransactionLayer {
        TransactionLayer {
            config,
            branches: Branches::new(seed),
            next_id: 0,
            ids: HashMap::new(),
            entries: HashMap::new(),
            deadlines: BTreeSet::new(),
            due: Vec::new(),
            epoch: Instant::now(),
            outputs: VecDeque::new(),
        }
    }

    /// A fresh RFC 3261 branch, for a TU that builds its own Via (a
    /// CANCEL reuses its INVITE's; an ACK for a 2xx needs a new one).
    pub fn new_branch(&mut self) -> Text {
        self.branches.next_branch()
    }

    /// Starts a client transaction for `request` and sends it to
    /// `destination` over `transport`. The request must carry its top
    /// Via; a Via without a branch gets a fresh one.
    pub fn send_request(
        &mut self,
        now: Instant,
        mut request: Request,
        destination: SocketAddr,
        transport: Transport,
    ) -> Result<TransactionKey, SendError> {
        if request.method == Method::Ack {
            return Err(SendError::Ack);
        }
        if return_path::is_forbidden(destination, &self.config.broadcast) {
            return Err(SendError::ForbiddenDestination);
        }
        let cseq = request.headers.cseq().map_err(SendError::Malformed)?;
        if cseq.method != request.method {
            return Err(SendError::Malformed("CSeq method is not the request's"));
        }
        let branches = &mut self.branches;
        let via = edit_top_via(&mut request.headers, |via| {
            if via.branch().is_none() {
                via.set_param("branch", Some(branches.next_branch()));
            }
        })
        .map_err(SendError::Malformed)?;
        let key = TransactionKey::Client {
            branch: via.branch().cloned().unwrap_or_default(),
            method: request.method.clone(),
        };
        if self.ids.contains_key(&key) {
            return Err(SendError::Duplicate(key));
        }
        let link = Link {
            key: key.clone(),
            destination,
            transport,
        };
        let tx = ClientTransaction::start(
            now,
            link,
            request,
            cseq.seq,
            self.config.timers,
            &mut self.outputs,
        );
        self.insert(Transaction::Client(tx));
        Ok(key)
    }

    /// Sends the TU's response on the server transaction `key`.
    pub fn send_response(
        &mut self,
        now: Instant,
        key: &TransactionKey,
        response: Response,
    ) -> Result<(), SendError> {
        let id = *self.ids.get(key).ok_or(SendError::UnknownTransaction)?;
        let Some(Entry {
            transaction: Transaction::Server(tx),
            ..
        }) = self.entries.get_mut(&id).map(Box::as_mut)
        else {
            return Err(SendError::UnknownTransaction);
        };
        tx.send_response(now, response, &mut self.outputs)?;
        self.settle(id);
        Ok(())
    }

    /// Feeds in something that happened outside.
    pub fn handle_input(&mut self, now: Instant, input: Input) {
        match input {
            Input::Received {
                message: Message::Request(request),
                source,
                transport,
            } => self.on_request(now, request, source, transport),
            Input::Received {
                message: Message::Response(response),
                source,
                transport,
            } => self.on_response(now, response, source, transport),
            Input::TransportError(key) => {
                if let Some(&id) = self.ids.get(&key) {
                    if let Some(entry) = self.entries.get_mut(&id) {
                        entry.transaction.on_transport_error(&mut self.outputs);
                    }
                    self.settle(id);
                }
            }
        }
    }

    /// Runs every timer due at `now`.
    pub fn handle_timeout(&mut self, now: Instant) {
        let mut due = std::mem::take(&mut self.due);
        while let Some(&(at, id)) = self.deadlines.first() {
            if at > now {
                break;
            }
            self.deadlines.pop_first();
            due.push(id);
        }
        for &id in &due {
            if let Some(entry) = self.entries.get_mut(&id) {
                entry.armed = None;
                entry.transaction.on_timeout(now, &mut self.outputs);
            }
            self.settle(id);
        }
        due.clear();
        self.due = due;
    }

    /// When [`TransactionLayer::handle_timeout`] should next be called.
    pub fn poll_timeout(&self) -> Option<Instant> {
        self.deadlines.first().map(|&(at, _)| at)
    }

    /// The next message to send or event for the TU, in order.
    pub fn poll_output(&mut self) -> Option<Output> {
        self.outputs.pop_front()
    }

    /// The state of a live transaction.
    pub fn state(&self, key: &TransactionKey) -> Option<State> {
        let id = self.ids.get(key)?;
        self.entries.get(id).map(|e| e.transaction.state())
    }

    /// Gives back the room a peak of transactions left in the tables.
    pub fn shrink(&mut self) {
        crate::sparse::shrink_map(&mut self.ids);
        crate::sparse::shrink_map(&mut self.entries);
        crate::sparse::shrink_queue(&mut self.outputs);
        if self.due.capacity() > 64 && self.due.is_empty() {
            self.due = Vec::new();
        }
    }

    /// How many transactions are live.
    pub fn len(&self) -> usize {
        self.entries.len()
    }

    /// True when no transaction is live.
    pub fn is_empty(&self) -> bool {
        self.entries.is_empty()
    }

    fn on_request(
        &mut self,
        now: Instant,
        mut request: Request,
        source: SocketAddr,
        transport: Transport,
    ) {
        let keyed = TransactionKey::for_request(&request).and_then(|key| {
            return_path::stamp_top_via(&mut request.headers, source, self.config.force_rport)
                .map(|via| (key, via))
        });
        let (key, via) = match keyed {
            Ok(keyed) => keyed,
            Err(reason) => {
                let event = Event::Unkeyable {
                    request,
                    source,
                    transport,
                    reason,
                };
                self.outputs.push_back(Output::Event(event));
                return;
            }
        };
        let destination = return_path::response_destination(&via, source, transport);
        if return_path::is_forbidden(destination, &self.config.broadcast) {
            return;
        }
        if request.method == Method::Ack {
            return self.on_ack(now, key, request, source, transport);
        }
        if self.config.stateless.contains(&request.method) {
            let event = Event::Stateless {
                request,
                source,
                transport,
                destination,
            };
            self.outputs.push_back(Output::Event(event));
            return;
        }
        if let Some(id) = self.ids.get(&key) {
            if let Some(Entry {
                transaction: Transaction::Server(tx),
                ..
            }) = self.entries.get(id).map(Box::as_ref)
            {
                tx.on_retransmission(&mut self.outputs);
            }
            return;
        }
        let link = Link {
            key: key.clone(),
            destination,
            transport,
        };
        let tx = ServerTransaction::start(now, link, &request, &self.config, &mut self.outputs);
        self.insert(Transaction::Server(tx));
        let event = if request.method == Method::Cancel {
            let invite = key.cancelled().filter(|k| self.ids.contains_key(k));
            Event::Cancel {
                key,
                invite,
                request,
                source,
                transport,
            }
        } else {
            Event::Request {
                key,
                request,
                source,
                transport,
            }
        };
        self.outputs.push_back(Output::Event(event));
    }

    fn on_ack(
        &mut self,
        now: Instant,
        key: TransactionKey,
        request: Request,
        source: SocketAddr,
        transport: Transport,
    ) {
        let id = self.ids.get(&key).copied().or_else(|| {
            let (untagged, tag) = key.untagged()?;
            let id = *self.ids.get(&untagged)?;
            match &self.entries.get(&id)?.transaction {
                Transaction::Server(tx) if tx.final_to_tag() == Some(&tag) => Some(id),
                _ => None,
            }
        });
        let mut for_tu = true;
        if let Some(id) = id {
            if let Some(Entry {
                transaction: Transaction::Server(tx),
                ..
            }) = self.entries.get_mut(&id).map(Box::as_mut)
            {
                for_tu = tx.on_ack(now);
            }
            self.settle(id);
        }
        if for_tu {
            self.outputs.push_back(Output::Event(Event::Ack {
                request,
                source,
                transport,
            }));
        }
    }

    fn on_response(
        &mut self,
        now: Instant,
        response: Response,
        source: SocketAddr,
        transport: Transport,
    ) {
        let Ok(key) = TransactionKey::for_response(&response) else {
            return;
        };
        let Some(&id) = self.ids.get(&key) else {
            self.outputs.push_back(Output::Event(Event::StrayResponse {
                response,
                source,
                transport,
            }));
            return;
        };
        if let Some(Entry {
            transaction: Transaction::Client(tx),
            ..
        }) = self.entries.get_mut(&id).map(Box::as_mut)
        {
            tx.on_response(now, response, &mut self.outputs);
        }
        self.settle(id);
    }

    fn insert(&mut self, transaction: Transaction) {
        let id = self.next_id;
        self.next_id += 1;
        self.ids.insert(transaction.key().clone(), id);
        self.entries.insert(
            id,
            Box::new(Entry {
                armed: None,
                transaction,
            }),
        );
        self.settle(id);
    }

    /// Brings `deadlines` in line with transaction `id`, and forgets it
    /// (telling the TU) once it has terminated.
    fn settle(&mut self, id: u64) {
        let Some(entry) = self.entries.get_mut(&id) else {
            return;
        };
        let next = entry.transaction.deadlines().wake_at(self.epoch);
        if next != entry.armed {
            if let Some(at) = entry.armed {
                self.deadlines.remove(&(at, id));
            }
            if let Some(at) = next {
                self.deadlines.insert((at, id));
            }
            entry.armed = next;
        }
        if entry.transaction.state() == State::Terminated {
            if let Some(entry) = self.entries.remove(&id) {
                let key = entry.transaction.key().clone();
                self.ids.remove(&key);
                self.outputs
                    .push_back(Output::Event(Event::Terminated { key }));
            }
        }
    }
}

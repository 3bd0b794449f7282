-- pushhub hub events: every cluster-wide transition, decided atomically (one script run = one step).
-- ARGV: 1 prefix, 2 op, 3 node, 4 now (epoch ms), 5 offline grace (ms), 6 stream max length (0: no stream),
--       7 first sequence number of a new counter (now * 1000), 8.. the op's arguments.
-- Returns { flag, id1, fields1, id2, fields2, ... }: the events made, in order (id '' when not streamed).
local p, op, node = ARGV[1], ARGV[2], ARGV[3]
local now = tonumber(ARGV[4])
local grace = tonumber(ARGV[5])
local maxlen = tonumber(ARGV[6])
local seqstart = ARGV[7]
local SEQ_TTL = 604800
local OFF = p .. ':ev:offline'
local NODES = p .. ':ev:nodes'
local STREAM = p .. ':ev:stream'
local out = { '' }

local function ukey(u) return p .. ':ev:u:{' .. u .. '}' end
local function tkey(t) return p .. ':ev:t:{' .. t .. '}' end
local function mkey(t) return p .. ':ev:tm:{' .. t .. '}' end
local function nkey(n) return p .. ':ev:n:{' .. n .. '}' end

-- The next sequence number of a topic ('t') or user ('u'), as a string (exact: Lua numbers are doubles).
local function seq(kind, name)
  local k = p .. ':ev:seq:' .. kind .. ':{' .. name .. '}'
  if redis.call('EXISTS', k) == 0 then
    redis.call('SET', k, seqstart)
  end
  redis.call('INCR', k)
  redis.call('EXPIRE', k, SEQ_TTL)
  return redis.call('GET', k)
end

local function emit(kind, name, fields, by)
  local entry = { 'type', fields[1], 'seq', seq(kind, name), 'time', ARGV[4], 'node', by }
  for i = 2, #fields, 2 do
    entry[#entry + 1] = fields[i]
    entry[#entry + 1] = fields[i + 1]
  end
  local id = ''
  if maxlen > 0 then
    id = redis.call('XADD', STREAM, 'MAXLEN', '~', ARGV[6], '*', unpack(entry))
  end
  out[#out + 1] = id
  out[#out + 1] = entry
end

local function connect(n, conn, user)
  if redis.call('SADD', ukey(user), conn) == 1 then
    redis.call('SADD', nkey(n), cjson.encode({ 'c', conn, user }))
    if redis.call('SCARD', ukey(user)) == 1 and redis.call('ZREM', OFF, user) == 0 then
      emit('u', user, { 'user.online', 'user', user }, n)
    end
  end
end

local function subscribe(n, conn, user, topic, pres)
  -- Only a connection the ledger knows: a subscribe that raced its connection's close must not leave it in the topic.
  if redis.call('SISMEMBER', ukey(user), conn) == 0 then
    return
  end
  if redis.call('SADD', tkey(topic), conn) == 1 then
    redis.call('SADD', nkey(n), cjson.encode({ 's', conn, user, topic, pres }))
    if redis.call('SCARD', tkey(topic)) == 1 then
      emit('t', topic, { 'topic.occupied', 'topic', topic }, n)
    end
    if pres == '1' and redis.call('HINCRBY', mkey(topic), user, 1) == 1 then
      emit('t', topic, { 'member.joined', 'topic', topic, 'user', user }, n)
    end
  end
end

local function unsubscribe(n, conn, user, topic, pres)
  if redis.call('SREM', tkey(topic), conn) == 1 then
    redis.call('SREM', nkey(n), cjson.encode({ 's', conn, user, topic, pres }))
    if pres == '1' and redis.call('HINCRBY', mkey(topic), user, -1) <= 0 then
      redis.call('HDEL', mkey(topic), user)
      emit('t', topic, { 'member.left', 'topic', topic, 'user', user }, n)
    end
    if redis.call('SCARD', tkey(topic)) == 0 then
      emit('t', topic, { 'topic.vacated', 'topic', topic }, n)
    end
  end
end

local function disconnect(n, conn, user, code)
  if redis.call('SREM', ukey(user), conn) == 1 then
    redis.call('SREM', nkey(n), cjson.encode({ 'c', conn, user }))
    emit('u', user, { 'connection.closed', 'user', user, 'conn', conn, 'code', code }, n)
    if redis.call('SCARD', ukey(user)) == 0 then
      if grace <= 0 then
        emit('u', user, { 'user.offline', 'user', user }, n)
      else
        redis.call('ZADD', OFF, now + grace, user)
      end
    end
  end
end

-- Users whose grace is over and who did not come back: offline, once (the ZREM decides who reports it).
local function due(limit)
  local users = redis.call('ZRANGEBYSCORE', OFF, '-inf', now, 'LIMIT', 0, limit)
  for _, user in ipairs(users) do
    if redis.call('ZREM', OFF, user) == 1 and redis.call('SCARD', ukey(user)) == 0 then
      emit('u', user, { 'user.offline', 'user', user }, node)
    end
  end
end

-- One node whose lease ran out: up to `limit` of its entries leave (subscriptions first, then connections), as if
-- its clients had gone; when none is left, the node is forgotten. Flag 'more' when it has more.
local function reap(limit)
  local d = nil
  for _, n in ipairs(redis.call('ZRANGEBYSCORE', NODES, '-inf', now, 'LIMIT', 0, 2)) do
    if d == nil and n ~= node then
      d = n
    end
  end
  if d == nil then
    return
  end
  local members = redis.call('SMEMBERS', nkey(d))
  local done = 0
  for pass = 1, 2 do
    for _, m in ipairs(members) do
      if done >= limit then
        out[1] = 'more'
        return
      end
      local e = cjson.decode(m)
      if pass == 1 and e[1] == 's' then
        unsubscribe(d, e[2], e[3], e[4], e[5])
        redis.call('SREM', nkey(d), m)
        done = done + 1
      elseif pass == 2 and e[1] == 'c' then
        disconnect(d, e[2], e[3], '1006')
        redis.call('SREM', nkey(d), m)
        done = done + 1
      end
    end
  end
  if redis.call('SCARD', nkey(d)) == 0 then
    redis.call('ZREM', NODES, d)
    redis.call('DEL', nkey(d))
  else
    out[1] = 'more'
  end
end

if op == 'connect' then
  connect(node, ARGV[8], ARGV[9])
elseif op == 'subscribe' then
  subscribe(node, ARGV[8], ARGV[9], ARGV[10], ARGV[11])
elseif op == 'unsubscribe' then
  unsubscribe(node, ARGV[8], ARGV[9], ARGV[10], ARGV[11])
elseif op == 'disconnect' then
  for i = 11, #ARGV, 2 do
    unsubscribe(node, ARGV[8], ARGV[9], ARGV[i], ARGV[i + 1])
  end
  disconnect(node, ARGV[8], ARGV[9], ARGV[10])
elseif op == 'lease' then
  -- 'new' when this node had no lease (first start, or it was lost and its entries were reaped: announce again)
  if redis.call('ZADD', NODES, now + tonumber(ARGV[8]), node) == 1 then
    out[1] = 'new'
  end
elseif op == 'tick' then
  due(tonumber(ARGV[8]))
  reap(tonumber(ARGV[8]))
elseif op == 'unacked' then
  -- push.unacknowledged (delivery receipts): decided by the node that accepted the push; numbered in the user's sequence
  emit('u', ARGV[8], { 'push.unacknowledged', 'user', ARGV[8], 'msg', ARGV[9], 'pushed', ARGV[10], 'ea', ARGV[11] }, node)
elseif op == 'leave' then
  redis.call('ZREM', NODES, node)
else
  return redis.error_reply('unknown op ' .. tostring(op))
end
return out

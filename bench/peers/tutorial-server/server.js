// The tutorial's signaling server (shared/seed/signaling-server.md), rebuilt from its description so
// Switchboard can be measured against what it replaces. It keeps the tutorial's choices on purpose, the
// costly and the unsafe ones too, because they are what the comparison is about:
//   - the `websocket` npm package with its default configuration (keep-alive pings every 20 s);
//   - room ids from uuid v1 (time-based);
//   - every message JSON.parse'd, and every relay JSON.stringify'd again;
//   - one `rooms` object of { creatorConnection, partnerConnection }; rooms are never deleted, not even
//     when both members have gone (the tutorial has no close handling);
//   - a message naming an unknown room throws and stops the process, as the tutorial warns.
// The changes: the port comes from the command line or PORT instead of being written into the file, so
// the benchmark can choose it, and it listens on loopback only. Only the start-up line is logged, so
// logging costs nothing per message.
'use strict';

var http = require('http');
var WebSocketServer = require('websocket').server;
var uuid = require('uuid');

var webSocketsServerPort = parseInt(process.argv[2] || process.env.PORT || '61234', 10);
var rooms = {};

var server = http.createServer(function (request, response) {
    // Only WebSocket upgrades are served; the benchmark never sends a plain request.
    response.writeHead(404);
    response.end();
});

server.listen(webSocketsServerPort, '127.0.0.1', function () {
    console.log(new Date() + ' Server is listening on port ' + webSocketsServerPort);
});

var wsServer = new WebSocketServer({ httpServer: server });

function send(connection, data) {
    connection.sendUTF(JSON.stringify(data));
}

wsServer.on('request', function (request) {
    var connection = request.accept(null, request.origin);

    connection.on('message', function (message) {
        if (message.type !== 'utf8') {
            return;
        }

        var data;
        try {
            data = JSON.parse(message.utf8Data);
        } catch (e) {
            return;
        }

        switch (data.type) {
            case 'createRoom':
                var roomId = uuid.v1();
                rooms[roomId] = {
                    creatorConnection: connection,
                    partnerConnection: false,
                };
                return send(rooms[roomId].creatorConnection, { type: 'roomCreated', payload: roomId });

            case 'offer':
                var room = rooms[data.roomId];
                if (!room || room.partnerConnection) {
                    return send(connection, { type: 'error', payload: 'room is already full' });
                }
                room.partnerConnection = this;
                // The joiner's offer goes to the creator as it came.
                return send(room.creatorConnection, data);

            default:
                if (this === rooms[data.roomId].partnerConnection) {
                    return send(rooms[data.roomId].creatorConnection, data);
                }
                return send(rooms[data.roomId].partnerConnection, data);
        }
    });
});

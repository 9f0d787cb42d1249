using System.Net;
using System.Net.Sockets;
using System.Text;

namespace Cloner.Tests.Provisioning;

/// <summary>
/// A one-answer HTTP server on a free 127.0.0.1 port, for nginx to proxy to: every request gets
/// 200 and the fixed body, then the connection is closed.
/// </summary>
internal sealed class TinyHttpUpstream : IAsyncDisposable
{
    private readonly TcpListener _listener = new(IPAddress.Loopback, 0);
    private readonly CancellationTokenSource _stop = new();
    private readonly Task _loop;
    private readonly byte[] _answer;

    public TinyHttpUpstream(string body)
    {
        var bytes = Encoding.UTF8.GetBytes(body);
        _answer = [.. Encoding.ASCII.GetBytes(
            "HTTP/1.1 200 OK\r\nContent-Type: text/plain\r\nConnection: close\r\n" +
            $"Content-Length: {bytes.Length}\r\n\r\n"), .. bytes];
        _listener.Start();
        Port = ((IPEndPoint)_listener.LocalEndpoint).Port;
        _loop = Task.Run(ServeAsync);
    }

    public int Port { get; }

    public async ValueTask DisposeAsync()
    {
        await _stop.CancelAsync();
        _listener.Stop();
        try
        {
            await _loop;
        }
        catch (OperationCanceledException)
        {
            // Stopped on purpose.
        }

        _stop.Dispose();
    }

    private async Task ServeAsync()
    {
        while (!_stop.IsCancellationRequested)
        {
            TcpClient client;
            try
            {
                client = await _listener.AcceptTcpClientAsync(_stop.Token);
            }
            catch (Exception ex) when (ex is SocketException or ObjectDisposedException)
            {
                return;
            }

            _ = AnswerAsync(client);
        }
    }

    private async Task AnswerAsync(TcpClient client)
    {
        using (client)
        {
            try
            {
                var stream = client.GetStream();
                var buffer = new byte[8192];
                var request = new StringBuilder();
                while (!request.ToString().Contains("\r\n\r\n", StringComparison.Ordinal))
                {
                    var read = await stream.ReadAsync(buffer, _stop.Token);
                    if (read == 0)
                    {
                        return;
                    }

                    request.Append(Encoding.ASCII.GetString(buffer, 0, read));
                }

                await stream.WriteAsync(_answer, _stop.Token);
            }
            catch (Exception ex) when (ex is IOException or OperationCanceledException)
            {
                // The client went away or the upstream is stopping.
            }
        }
    }
}

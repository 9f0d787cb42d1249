#!/usr/bin/env bash
# Starts or stops a private MariaDB and a private nginx for Cloner's integration tests.
#
#   scripts/test-servers.sh start DIR   starts both on free 127.0.0.1 ports, writes DIR/env
#   scripts/test-servers.sh stop DIR    stops both by their pid files and waits for them
#
# Everything lives in DIR (data, sockets, pid files, logs, nginx temp folders); the system's
# own MariaDB and nginx services are never used or touched. Runs as root. Source DIR/env before
# `dotnet test` so the integration tests find the servers.
set -euo pipefail

usage() {
    echo "usage: $0 start|stop DIR" >&2
    exit 2
}

[[ $# -eq 2 ]] || usage
[[ $EUID -eq 0 ]] || {
    echo "test-servers: run as root (apt-get and mariadbd --user=root need it)" >&2
    exit 1
}
action=$1
mkdir -p "$2"
dir=$(cd "$2" && pwd)

mariadbd_bin=/usr/sbin/mariadbd
nginx_bin=/usr/sbin/nginx

log() { echo "test-servers: $*" >&2; }

die() {
    log "$*"
    exit 1
}

# Picks a port nothing listens on by binding port 0 and reading what the kernel gave.
free_port() {
    perl -MIO::Socket::INET -e '
        my $s = IO::Socket::INET->new(LocalAddr => "127.0.0.1", LocalPort => 0, Listen => 1)
            or die "cannot bind: $!";
        print $s->sockport, "\n";'
}

ensure_packages() {
    local missing=()
    [[ -x $mariadbd_bin && -x /usr/bin/mariadb-install-db ]] || missing+=(mariadb-server)
    [[ -x $nginx_bin ]] || missing+=(nginx-light)
    if [[ ${#missing[@]} -gt 0 ]]; then
        log "installing ${missing[*]}"
        apt-get update -qq
        DEBIAN_FRONTEND=noninteractive apt-get install -y -qq --no-install-recommends \
            "${missing[@]}" >/dev/null
    fi
}

# Sends SIGTERM to the process in a pid file and waits up to 20 s for it to go.
stop_by_pid_file() {
    local name=$1 pid_file=$2 pid i
    [[ -s $pid_file ]] || return 0
    pid=$(tr -dc '0-9' <"$pid_file")
    if [[ -z $pid ]] || ! kill -0 "$pid" 2>/dev/null; then
        rm -f "$pid_file"
        return 0
    fi

    kill -TERM "$pid" 2>/dev/null || true
    for ((i = 0; i < 200; i++)); do
        kill -0 "$pid" 2>/dev/null || break
        sleep 0.1
    done
    if kill -0 "$pid" 2>/dev/null; then
        log "$name (pid $pid) did not stop after 20 s; killing it"
        kill -KILL "$pid" 2>/dev/null || true
        sleep 0.2
    fi
    rm -f "$pid_file"
    log "stopped $name (pid $pid)"
}

stop_all() {
    stop_by_pid_file nginx "$dir/nginx/nginx.pid"
    stop_by_pid_file mariadb "$dir/mysql/mariadb.pid"
}

start_mariadb() {
    local port=$1 password=$2 i
    local data=$dir/mysql/data sock=$dir/mysql/sock

    mkdir -p "$dir/mysql"
    rm -rf "$data"
    mariadb-install-db --no-defaults --user=root --datadir="$data" \
        --auth-root-authentication-method=socket --skip-test-db \
        >"$dir/mysql/install.log" 2>&1 || {
        cat "$dir/mysql/install.log" >&2
        die "mariadb-install-db failed (log above)"
    }

    setsid "$mariadbd_bin" --no-defaults --user=root --datadir="$data" --socket="$sock" \
        --port="$port" --bind-address=127.0.0.1 --pid-file="$dir/mysql/mariadb.pid" \
        --log-error="$dir/mysql/error.log" --skip-log-bin --innodb-buffer-pool-size=64M \
        </dev/null >/dev/null 2>&1 &

    for ((i = 0; i < 200; i++)); do
        if mariadb --no-defaults --socket="$sock" -uroot -e 'SELECT 1' >/dev/null 2>&1; then
            break
        fi
        sleep 0.1
    done
    mariadb --no-defaults --socket="$sock" -uroot -e 'SELECT 1' >/dev/null 2>&1 || {
        tail -n 30 "$dir/mysql/error.log" >&2 || true
        die "MariaDB did not answer on $sock within 20 s (error log above)"
    }

    # root keeps socket sign-in for this script and gets a password for TCP clients; the
    # 127.0.0.1 account covers a server that does not resolve 127.0.0.1 to localhost.
    mariadb --no-defaults --socket="$sock" -uroot <<SQL
ALTER USER 'root'@'localhost'
    IDENTIFIED VIA unix_socket OR mysql_native_password USING PASSWORD('$password');
CREATE USER 'root'@'127.0.0.1' IDENTIFIED BY '$password';
GRANT ALL PRIVILEGES ON *.* TO 'root'@'127.0.0.1' WITH GRANT OPTION;
FLUSH PRIVILEGES;
SQL
}

# The host part MariaDB gives a client that connects over TCP to 127.0.0.1; users created for
# such clients need exactly this host part.
mariadb_client_host() {
    local port=$1 password=$2
    MYSQL_PWD=$password mariadb --no-defaults --protocol=TCP -h127.0.0.1 -P"$port" -uroot \
        -N -B -e "SELECT SUBSTRING_INDEX(USER(), '@', -1)"
}

start_nginx() {
    local port=$1 conf=$dir/nginx/nginx.conf i
    mkdir -p "$dir/nginx/vhosts" "$dir/nginx/temp"
    find "$dir/nginx/vhosts" -mindepth 1 -delete

    cat >"$conf" <<CONF
# Private nginx for Cloner's integration tests; written by scripts/test-servers.sh.
daemon on;
worker_processes 1;
user root;
pid $dir/nginx/nginx.pid;
error_log $dir/nginx/error.log info;

events {
    worker_connections 256;
}

http {
    access_log $dir/nginx/access.log;
    default_type application/octet-stream;
    client_body_temp_path $dir/nginx/temp/client_body;
    proxy_temp_path $dir/nginx/temp/proxy;
    fastcgi_temp_path $dir/nginx/temp/fastcgi;
    uwsgi_temp_path $dir/nginx/temp/uwsgi;
    scgi_temp_path $dir/nginx/temp/scgi;

    server {
        listen 127.0.0.1:$port;
        server_name localhost;

        location = /nginx-alive {
            default_type text/plain;
            return 200 "alive\n";
        }

        include $dir/nginx/vhosts/*.conf;
    }
}
CONF

    "$nginx_bin" -p "$dir/nginx" -e "$dir/nginx/error.log" -c "$conf" -t \
        2>"$dir/nginx/test.log" || {
        cat "$dir/nginx/test.log" >&2
        die "the generated nginx config does not pass nginx -t (output above)"
    }
    "$nginx_bin" -p "$dir/nginx" -e "$dir/nginx/error.log" -c "$conf"

    for ((i = 0; i < 100; i++)); do
        if curl -fsS "http://127.0.0.1:$port/nginx-alive" >/dev/null 2>&1; then
            return 0
        fi
        sleep 0.1
    done
    tail -n 30 "$dir/nginx/error.log" >&2 || true
    die "nginx did not answer on 127.0.0.1:$port/nginx-alive within 10 s (error log above)"
}

write_env() {
    local mysql_port=$1 password=$2 client_host=$3 nginx_port=$4
    local admin="Server=127.0.0.1;Port=$mysql_port;User ID=root;Password=$password;SslMode=None"
    local nginx_args="$nginx_bin -p $dir/nginx -e $dir/nginx/error.log -c $dir/nginx/nginx.conf"
    cat >"$dir/env.tmp" <<ENV
export CLONER_TEST_MYSQL_ADMIN='$admin'
export CLONER_TEST_MYSQL_HOST='127.0.0.1'
export CLONER_TEST_MYSQL_PORT='$mysql_port'
export CLONER_TEST_MYSQL_CLIENT_HOST='$client_host'
export CLONER_TEST_MYSQL_SOCKET='$dir/mysql/sock'
export CLONER_TEST_NGINX_PORT='$nginx_port'
export CLONER_TEST_NGINX_VHOSTS='$dir/nginx/vhosts'
export CLONER_TEST_NGINX_TEST_COMMAND='$nginx_args -t'
export CLONER_TEST_NGINX_RELOAD_COMMAND='$nginx_args -s reload'
export CLONER_TEST_NGINX_PID_FILE='$dir/nginx/nginx.pid'
ENV
    chmod 600 "$dir/env.tmp"
    mv "$dir/env.tmp" "$dir/env"
}

start() {
    ensure_packages
    stop_all

    local password mysql_port nginx_port client_host
    password=$(head -c 512 /dev/urandom | tr -dc 'A-Za-z0-9' | head -c 32)
    [[ ${#password} -ge 16 ]] || password="T$(date +%s%N)x$$"
    mysql_port=$(free_port)
    nginx_port=$(free_port)
    while [[ $nginx_port == "$mysql_port" ]]; do nginx_port=$(free_port); done

    start_mariadb "$mysql_port" "$password"
    client_host=$(mariadb_client_host "$mysql_port" "$password")
    [[ -n $client_host ]] || die "could not sign in to MariaDB over TCP 127.0.0.1:$mysql_port"
    start_nginx "$nginx_port"
    write_env "$mysql_port" "$password" "$client_host" "$nginx_port"

    log "MariaDB on 127.0.0.1:$mysql_port (clients seen as @'$client_host'),"
    log "nginx on 127.0.0.1:$nginx_port; source $dir/env"
}

case $action in
    start) start ;;
    stop)
        stop_all
        rm -f "$dir/env"
        ;;
    *) usage ;;
esac

/* The header as a NetX Duo application includes it: first, before tx_api.h and nx_api.h (as
 * NetX Duo's own netx_mqtt_api_test.c does), built WITHOUT any macro of ours (no
 * NXD_MQTT_PORT_NETX: this file is compiled with only the ThreadX / NetX include directories,
 * as an application's CMake, Makefile or IDE project has them). The header must select the NetX
 * port by itself, bring in tx_api.h and nx_api.h, and give the control block the library's
 * layout: create, callbacks assigned directly, the members the application reads, delete. */
#include "nxd_mqtt_client.h"
#include "tx_api.h"
#include "nx_api.h"

#include <stdio.h>
#include <string.h>

#ifndef NXD_MQTT_PORT_NETX
#error "nxd_mqtt_client.h did not select the NetX port by itself"
#endif
#ifndef TX_API_H
#error "nxd_mqtt_client.h did not include tx_api.h"
#endif

static NX_IP ip;
static NX_PACKET_POOL pool;
static ULONG pool_memory[16 * (1536 + sizeof(NX_PACKET) + 16) / sizeof(ULONG)];
static NXD_MQTT_CLIENT client;
static ULONG stack[8192 / sizeof(ULONG)];
static int failures;

static void check(int ok, const char *what)
{
    printf("%s - %s\n", ok ? "ok  " : "FAIL", what);
    if (!ok)
        failures++;
}

static void on_disconnect(NXD_MQTT_CLIENT *c)
{
    (void)c;
}

int main(void)
{
    check(nx_packet_pool_create(&pool, "pool", 1536, pool_memory, sizeof pool_memory) == NX_SUCCESS, "pool");
    check(nx_ip_create(&ip, "ip", IP_ADDRESS(127, 0, 0, 1), 0xFF000000UL, &pool, NX_NULL, NX_NULL, 0, 1) ==
              NX_SUCCESS,
          "IP instance");
    check(nx_tcp_enable(&ip) == NX_SUCCESS, "TCP");
    UINT s = nxd_mqtt_client_create(&client, "order", "order-id", 8, &ip, &pool, stack, sizeof stack, 7, NX_NULL, 0);
    check(s == NXD_MQTT_SUCCESS, "create");
    check(client.nxd_mqtt_client_state == NXD_MQTT_CLIENT_STATE_IDLE, "state member reads IDLE");
    check(client.nxd_mqtt_client_id_length == 8 && memcmp(client.nxd_mqtt_client_id, "order-id", 8) == 0,
          "client id members");
    check(nxd_mqtt_client_disconnect_notify_set(&client, on_disconnect) == NXD_MQTT_SUCCESS, "disconnect notify");
    check(nxd_mqtt_client_delete(&client) == NXD_MQTT_SUCCESS, "delete");
    check(pool.nx_packet_pool_available == pool.nx_packet_pool_total, "every pool packet back");
    printf("%s\n", failures ? "FAILED" : "PASSED");
    return failures ? 1 : 0;
}

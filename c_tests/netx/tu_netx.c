/* NetX build of the C tests: the IP instance and packet pool every test client uses, created
 * on first use with the ThreadX / NetX stand-in (c_tests/netx_standin). */
#include "tx_api.h"
#include "nx_api.h"

#include <pthread.h>
#include <stdio.h>
#include <stdlib.h>

NX_IP *tu_ip(void);
NX_PACKET_POOL *tu_pool(void);

/* 1536-byte packets (an Ethernet MTU, as typical NetX pools), enough for a few clients with
 * 64 KiB messages in flight in both directions. */
#define TU_NETX_PAYLOAD 1536
#define TU_NETX_PACKETS 4096

static NX_IP tu_netx_ip;
static NX_PACKET_POOL tu_netx_pool;
static ULONG tu_netx_pool_memory[TU_NETX_PACKETS * (TU_NETX_PAYLOAD + sizeof(NX_PACKET) + 16) / sizeof(ULONG)];
static pthread_once_t tu_netx_once = PTHREAD_ONCE_INIT;

static void tu_netx_init(void)
{
    UINT s = nx_packet_pool_create(&tu_netx_pool, "tu pool", TU_NETX_PAYLOAD, tu_netx_pool_memory,
                                   sizeof tu_netx_pool_memory);
    if (s == NX_SUCCESS)
        s = nx_ip_create(&tu_netx_ip, "tu ip", IP_ADDRESS(127, 0, 0, 1), 0xFF000000UL, &tu_netx_pool,
                         NX_NULL, NX_NULL, 0, 1);
    if (s == NX_SUCCESS)
        s = nx_tcp_enable(&tu_netx_ip);
    if (s != NX_SUCCESS) {
        fprintf(stderr, "tu_netx: cannot create the stand-in IP instance / pool (0x%x)\n", s);
        exit(1);
    }
}

NX_IP *tu_ip(void)
{
    pthread_once(&tu_netx_once, tu_netx_init);
    return &tu_netx_ip;
}

NX_PACKET_POOL *tu_pool(void)
{
    pthread_once(&tu_netx_once, tu_netx_init);
    return &tu_netx_pool;
}

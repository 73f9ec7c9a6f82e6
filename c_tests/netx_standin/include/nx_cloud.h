/* Host stand-in for NetX Duo's cloud helper (addons/cloud, nx_cloud.h), test support only.
 *
 * Written for the nxd_mqtt tests: the names, types, member names, constants and return codes
 * are those of NetX Duo's cloud helper API; the implementation (src/nx_cloud_standin.c) is
 * ours, on the stand-in ThreadX services. A helper is one thread that waits on an event-flag
 * group and calls the processing routine of every registered module whose registered events
 * were raised, without the helper's mutex held; a periodic timer raises
 * NX_CLOUD_COMMON_PERIODIC_EVENT every second.
 */
#ifndef NX_CLOUD_H
#define NX_CLOUD_H

#include "nx_api.h"

#ifdef __cplusplus
extern "C" {
#endif

#define NX_CLOUD_ID ((ULONG)0x434C4F44)

#define NX_CLOUD_MODULE_ALREADY_REGISTERED 0xF0
#define NX_CLOUD_MODULE_NOT_REGISTERED 0xF1
#define NX_CLOUD_MODULE_BOUND 0xF2
#define NX_CLOUD_MODULE_EVENT_INVALID 0xF3

#define NX_CLOUD_ALL_EVENTS 0xFFFFFFFF
#define NX_CLOUD_COMMON_PERIODIC_EVENT 0x00000001u
#define NX_CLOUD_MODULE_MQTT_EVENT 0x00010000u
#define NX_CLOUD_MODULE_AZURE_SDK_EVENT 0x00020000u
#define NX_CLOUD_MODULE_AZURE_ADU_EVENT 0x00040000u
#define NX_CLOUD_MODULE_AZURE_ISM_EVENT 0x00080000u
#define NX_CLOUD_COMMON_ALL_EVENT (NX_CLOUD_COMMON_PERIODIC_EVENT)

typedef struct NX_CLOUD_MODULE_STRUCT
{
    const CHAR *nx_cloud_module_name;
    ULONG nx_cloud_module_registered_events; /* events that call the routine */
    ULONG nx_cloud_module_own_events;        /* module events raised since the last call */
    VOID (*nx_cloud_module_process)(VOID *module_context, ULONG common_events, ULONG module_own_events);
    VOID *nx_cloud_module_context;
    struct NX_CLOUD_MODULE_STRUCT *nx_cloud_module_next;
    struct NX_CLOUD_STRUCT *nx_cloud_ptr;
} NX_CLOUD_MODULE;

typedef struct NX_CLOUD_STRUCT
{
    ULONG nx_cloud_id;
    const CHAR *nx_cloud_name;
    TX_THREAD nx_cloud_thread;
    TX_EVENT_FLAGS_GROUP nx_cloud_events;
    TX_MUTEX nx_cloud_mutex;
    TX_TIMER nx_cloud_periodic_timer;
    NX_CLOUD_MODULE *nx_cloud_modules_list_header;
    ULONG nx_cloud_modules_count;
} NX_CLOUD;

UINT _nx_cloud_create(NX_CLOUD *cloud_ptr, const CHAR *cloud_name, VOID *memory_ptr, ULONG memory_size,
                      UINT priority);
UINT _nx_cloud_delete(NX_CLOUD *cloud_ptr);
UINT _nx_cloud_module_register(NX_CLOUD *cloud_ptr, NX_CLOUD_MODULE *module_ptr, const CHAR *module_name,
                               ULONG module_event,
                               VOID (*module_process)(VOID *module_context, ULONG common_events,
                                                      ULONG module_own_events),
                               VOID *module_context);
UINT _nx_cloud_module_deregister(NX_CLOUD *cloud_ptr, NX_CLOUD_MODULE *module_ptr);
UINT _nx_cloud_module_event_set(NX_CLOUD_MODULE *cloud_module, ULONG module_own_event);
UINT _nx_cloud_module_event_clear(NX_CLOUD_MODULE *cloud_module, ULONG module_own_event);

UINT _nxe_cloud_create(NX_CLOUD *cloud_ptr, const CHAR *cloud_name, VOID *memory_ptr, ULONG memory_size,
                       UINT priority);
UINT _nxe_cloud_delete(NX_CLOUD *cloud_ptr);
UINT _nxe_cloud_module_register(NX_CLOUD *cloud_ptr, NX_CLOUD_MODULE *module_ptr, const CHAR *module_name,
                                ULONG module_event,
                                VOID (*module_process)(VOID *module_context, ULONG common_events,
                                                       ULONG module_own_events),
                                VOID *module_context);
UINT _nxe_cloud_module_deregister(NX_CLOUD *cloud_ptr, NX_CLOUD_MODULE *module_ptr);
UINT _nxe_cloud_module_event_set(NX_CLOUD_MODULE *cloud_module, ULONG module_own_event);
UINT _nxe_cloud_module_event_clear(NX_CLOUD_MODULE *cloud_module, ULONG module_own_event);

#ifndef NX_CLOUD_SOURCE_CODE
#ifdef NX_DISABLE_ERROR_CHECKING
#define nx_cloud_create _nx_cloud_create
#define nx_cloud_delete _nx_cloud_delete
#define nx_cloud_module_register _nx_cloud_module_register
#define nx_cloud_module_deregister _nx_cloud_module_deregister
#define nx_cloud_module_event_set _nx_cloud_module_event_set
#define nx_cloud_module_event_clear _nx_cloud_module_event_clear
#else
#define nx_cloud_create _nxe_cloud_create
#define nx_cloud_delete _nxe_cloud_delete
#define nx_cloud_module_register _nxe_cloud_module_register
#define nx_cloud_module_deregister _nxe_cloud_module_deregister
#define nx_cloud_module_event_set _nxe_cloud_module_event_set
#define nx_cloud_module_event_clear _nxe_cloud_module_event_clear
#endif
#endif

#ifdef __cplusplus
}
#endif

#endif /* NX_CLOUD_H */

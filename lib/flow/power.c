// SPDX-License-Identifier: GPL-2.0-or-later
/* Ending a boot from kjump's initramfs, where no init system will. */
#include <sys/reboot.h>
#include <unistd.h>

#include "flow/flow.h"

void kj_power_off(void)
{
	sync();
	reboot(RB_POWER_OFF);
}

void kj_reboot(void)
{
	sync();
	reboot(RB_AUTOBOOT);
}

#include <stdio.h>
int main(void)
{
	puts("sekisho");
	return 0;
}

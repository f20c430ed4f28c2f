/* demo.h -- `kvl demo`: every codec on built-in generated data. */
#ifndef KVL_DEMO_H
#define KVL_DEMO_H
int kvl_demo(int argc, char **argv);
#endif

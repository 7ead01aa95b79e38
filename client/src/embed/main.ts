import { mount } from 'svelte';
import RefugeeHelp from './RefugeeHelp.svelte';
import { embedParams } from './params';

const params = embedParams(location.search);
document.documentElement.lang = params.lang;
mount(RefugeeHelp, { target: document.getElementById('embed')!, props: params });
